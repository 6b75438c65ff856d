using System.Text.RegularExpressions;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// The tag grammar of the OCI distribution spec, the one rule for every tag the tool writes (layout ref names, registry tags):
/// <c>[A-Za-z0-9_][A-Za-z0-9._-]{0,127}</c>. It keeps out empty tags, path separators (<c>../..</c>), whitespace and newlines.
/// </summary>
public static partial class ImageTag
{
    /// <summary>The grammar, for messages.</summary>
    public const string Grammar = "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}";

    /// <summary>Whether <paramref name="tag"/> is a valid tag.</summary>
    public static bool IsValid(string? tag) => tag is not null && Pattern().IsMatch(tag);

    /// <summary>Throws unless <paramref name="tag"/> is a valid tag.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 naming the tag (escaped) and the grammar.</exception>
    public static string Validate(string tag, string? what = null) =>
        IsValid(tag) ? tag
            : throw new ChunkedBuildException(ErrorCodes.InvalidOption,
                $"{what ?? "the tag"} {Quote(tag)} is not a valid tag: {(tag.Length == 0 ? "it is empty" : tag.Length > 128 ? $"it has {tag.Length} characters, at most 128 are allowed" : "use letters, digits, '_', '.' and '-', not starting with '.' or '-'")} ({Grammar})");

    /// <summary>The tag in quotes with control characters escaped, safe to print.</summary>
    public static string Quote(string tag) => JsonText.Quote(tag.Length > 140 ? tag[..140] + "…" : tag);

    // \A and \z: '$' would also match before a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Pattern();
}
