using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>The two access-record formats <see cref="AccessRecord"/> reads.</summary>
public enum AccessRecordFormat
{
    /// <summary>
    /// stargz-snapshotter's record (what <c>ctr-remote optimize --record-out</c> writes): a stream of JSON objects, one
    /// per line, <c>{"path":"app/x.dll","manifestDigest":"sha256:…","layerIndex":2}</c>; <c>path</c> is the cleaned
    /// entry name without the leading <c>/</c>, the two other fields are optional.
    /// </summary>
    StargzRecord,

    /// <summary>One path per line; blank lines and lines starting with <c>#</c> are skipped (as <c>ctr-remote --prefetch-list</c>).</summary>
    PathList,
}

/// <summary>One accessed file of an <see cref="AccessRecord"/>.</summary>
/// <param name="Path">The normalized image path (see <see cref="ImagePath"/>).</param>
/// <param name="LayerIndex">The layer the recorder attributed the file to (stargz records only), base layer = 0.</param>
/// <param name="ManifestDigest">The manifest digest the record was taken against (stargz records only), as written.</param>
public sealed record AccessRecordEntry(string Path, int? LayerIndex = null, string? ManifestDigest = null);

/// <summary>
/// A file-access record (<c>--record-in</c>): which files a workload opened, in first-access order. Both formats of
/// <see cref="AccessRecordFormat"/> are detected from the content (the first meaningful line starting with <c>{</c>
/// means a stargz record); paths are normalized and deduplicated keeping the first occurrence.
/// </summary>
public sealed class AccessRecord
{
    private AccessRecord(AccessRecordFormat format, IReadOnlyList<AccessRecordEntry> entries)
    {
        Format = format;
        Entries = entries;
    }

    /// <summary>The detected format.</summary>
    public AccessRecordFormat Format { get; }

    /// <summary>The accessed files, first access first, each path once.</summary>
    public IReadOnlyList<AccessRecordEntry> Entries { get; }

    /// <summary>The paths of <see cref="Entries"/>, in order.</summary>
    public IReadOnlyList<string> Paths => Entries.Select(e => e.Path).ToList();

    /// <summary>Reads and parses the record at <paramref name="path"/>.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidAccessRecord"/> or <see cref="ErrorCodes.IoError"/>.</exception>
    public static AccessRecord Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read access record '{path}': {e.Message}", innerException: e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses a record; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidAccessRecord"/>, naming the source and line.</exception>
    public static AccessRecord Parse(string text, string sourceName)
    {
        var lines = text.Split('\n');
        var first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        var format = first is not null && first.StartsWith('{') ? AccessRecordFormat.StargzRecord : AccessRecordFormat.PathList;
        var entries = new List<AccessRecordEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var entry = format == AccessRecordFormat.StargzRecord ? ParseStargzLine(line, sourceName, i + 1) : ParsePathLine(line, sourceName, i + 1);
            if (entry is not null && seen.Add(entry.Path)) entries.Add(entry);
        }
        return new AccessRecord(format, entries);
    }

    private static AccessRecordEntry? ParsePathLine(string line, string source, int lineNumber)
    {
        if (line.Contains('\0')) throw Error(source, lineNumber, "a path contains a NUL character");
        var path = ImagePath.Normalize(line);
        return path == "/" ? null : new AccessRecordEntry(path);
    }

    private static AccessRecordEntry? ParseStargzLine(string line, string source, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Error(source, lineNumber, $"not a JSON record object ({e.Message}); a stargz record has one {{\"path\":…}} object per line", e);
        }
        using (document)
        {
            try
            {
                return ReadStargzLine(document.RootElement, source, lineNumber);
            }
            catch (InvalidOperationException e)
            {
                // GetString of an escape that decodes to invalid UTF-16 (a lone surrogate such as \ud800).
                throw Error(source, lineNumber, "a string holds an escape that is not valid Unicode", e);
            }
        }
    }

    private static AccessRecordEntry? ReadStargzLine(JsonElement root, string source, int lineNumber)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Error(source, lineNumber, "a stargz record line must be a JSON object");
        if (!root.TryGetProperty("path", out var pathElement) || pathElement.ValueKind != JsonValueKind.String)
            throw Error(source, lineNumber, "a stargz record object needs a string \"path\"");
        int? layerIndex = null;
        if (root.TryGetProperty("layerIndex", out var layer) && layer.ValueKind != JsonValueKind.Null)
        {
            if (layer.ValueKind != JsonValueKind.Number || !layer.TryGetInt32(out var index) || index < 0)
                throw Error(source, lineNumber, "\"layerIndex\" must be a non-negative integer");
            layerIndex = index;
        }
        string? manifestDigest = null;
        if (root.TryGetProperty("manifestDigest", out var digest) && digest.ValueKind != JsonValueKind.Null)
        {
            if (digest.ValueKind != JsonValueKind.String) throw Error(source, lineNumber, "\"manifestDigest\" must be a string");
            manifestDigest = digest.GetString();
        }
        var path = ImagePath.Normalize(pathElement.GetString()!);
        return path == "/" ? null : new AccessRecordEntry(path, layerIndex, manifestDigest);
    }

    private static ChunkedBuildException Error(string source, int line, string rule, Exception? inner = null) =>
        new(ErrorCodes.InvalidAccessRecord, $"access record {source}:{line}: {rule}", innerException: inner);
}
