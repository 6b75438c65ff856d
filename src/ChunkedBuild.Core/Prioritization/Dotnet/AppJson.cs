using System.Text.Json;
using System.Text.Unicode;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// Reads the JSON files of an app inside an image (<c>*.runtimeconfig.json</c>, <c>*.deps.json</c>) the way the .NET host reads them
/// (comments and trailing commas allowed), and never fails with anything but the problem it reports: these files come from the image, so
/// a broken one (not UTF-8, not JSON, a string escape that is no valid Unicode) makes startup inference give up, not the conversion.
/// </summary>
internal static class AppJson
{
    /// <summary>The host's parser settings.</summary>
    public static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>
    /// Parses <paramref name="json"/> and hands its root to <paramref name="read"/>; null with <paramref name="problem"/> when the file is
    /// malformed (or <paramref name="read"/> says why it is not the file it expected).
    /// </summary>
    public static T? Read<T>(ReadOnlyMemory<byte> json, Func<JsonElement, (T? Value, string? Problem)> read, out string? problem) where T : class
    {
        problem = null;
        if (!Utf8.IsValid(json.Span))
        {
            problem = "it is not valid UTF-8";
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            var (value, why) = read(document.RootElement);
            problem = why;
            return value;
        }
        catch (JsonException e)
        {
            problem = $"it is not valid JSON{JsonSyntax.Where(e)}";
            return null;
        }
        catch (InvalidOperationException)
        {
            // GetString of an escape that decodes to invalid UTF-16 (a lone surrogate such as \ud800).
            problem = "a string in it holds an escape that is not valid Unicode";
            return null;
        }
    }
}
