using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>Parses tar-split JSON lines (the validator's and the reassembler's input).</summary>
public static class TarSplitReader
{
    /// <summary>Reads every line of <paramref name="jsonLines"/>; throws a CHB1301 error on a malformed line.</summary>
    public static IEnumerable<TarSplitEntry> Read(Stream jsonLines)
    {
        using var reader = new StreamReader(jsonLines, leaveOpen: true);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            yield return ParseLine(line, lineNumber);
        }
    }

    private static TarSplitEntry ParseLine(string line, int lineNumber)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            int type = 0;
            string? name = null;
            byte[]? nameRaw = null, payload = null;
            long size = 0, position = 0;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "type": type = p.Value.GetInt32(); break;
                    case "name": name = p.Value.GetString(); break;
                    case "name_raw": nameRaw = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetBytesFromBase64(); break;
                    case "size": size = p.Value.GetInt64(); break;
                    case "payload": payload = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetBytesFromBase64(); break;
                    case "position": position = p.Value.GetInt64(); break;
                }
            }
            if (type is not (TarSplitEntry.FileType or TarSplitEntry.SegmentType))
                throw new FormatException($"unknown entry type {type}");
            if (size < 0) throw new FormatException($"negative size {size}");
            if (type == TarSplitEntry.FileType && size > 0 && payload is not { Length: 8 })
                throw new FormatException("a file line with content needs an 8-byte CRC-64 payload");
            return new TarSplitEntry(type, name, nameRaw, size, payload, position);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split line {lineNumber} is malformed: {e.Message}");
        }
    }
}
