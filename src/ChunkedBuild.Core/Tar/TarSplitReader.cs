using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>Parses tar-split JSON lines (the validator's and the reassembler's input).</summary>
/// <remarks>
/// Accepts what Go's <c>json.Decoder</c> into <c>storage.Entry</c> accepts for line-oriented input: keys matched
/// case-insensitively, unknown keys ignored, <c>null</c> leaving a field at its zero value, std base64 for byte fields.
/// Stricter than tar-split: a type other than 1 or 2 is refused. Like tar-split's unpacker, a file line whose
/// <c>filepath.Clean</c>ed name was seen before is refused (ErrDuplicatePath). All failures are CHB1301.
/// </remarks>
public static class TarSplitReader
{
    /// <summary>Longest accepted line (a segment holds at most a few MiB of headers; base64 adds a third).</summary>
    public const int MaxLineLength = 64 * 1024 * 1024;

    /// <summary>Reads every line of <paramref name="jsonLines"/>; throws a CHB1301 error on a malformed line.</summary>
    public static IEnumerable<TarSplitEntry> Read(Stream jsonLines)
    {
        ArgumentNullException.ThrowIfNull(jsonLines);
        return ReadLines(jsonLines);
    }

    private static IEnumerable<TarSplitEntry> ReadLines(Stream input)
    {
        var seenNames = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        var lineNumber = 0;
        var eof = false;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0 && !eof)
            {
                // Compact, grow if the line does not fit, and read more.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineLength) throw Invalid(lineNumber, $"line longer than {MaxLineLength} bytes");
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineLength));
                }
                var n = input.Read(buffer, end, buffer.Length - end);
                if (n == 0) eof = true;
                end += n;
                continue;
            }
            var lineLength = newline >= 0 ? newline : end - start;
            if (lineLength == 0 && newline < 0) yield break;
            var lineStart = start;
            start += newline >= 0 ? newline + 1 : lineLength;
            if (buffer.AsSpan(lineStart, lineLength).IndexOfAnyExcept(" \t\r"u8) < 0)
            {
                lineNumber++;
                continue;
            }
            var parsed = ParseLine(buffer.AsSpan(lineStart, lineLength), lineNumber);
            foreach (var entry in parsed)
            {
                if (entry.Type == TarSplitEntry.FileType)
                {
                    var nameBytes = entry.NameRaw is { Length: > 0 } raw ? raw : Encoding.UTF8.GetBytes(entry.Name ?? "");
                    if (!seenNames.Add(TarPath.Clean(Encoding.Latin1.GetString(nameBytes))))
                        throw Invalid(lineNumber, $"duplicate file name '{Encoding.UTF8.GetString(nameBytes)}' after path cleaning (tar-split ErrDuplicatePath)");
                }
                yield return entry;
            }
            lineNumber++;
        }
    }

    /// <summary>Parses the JSON object(s) of one line.</summary>
    private static List<TarSplitEntry> ParseLine(ReadOnlySpan<byte> line, int lineNumber)
    {
        var entries = new List<TarSplitEntry>(1);
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.StartObject) throw Invalid(lineNumber, "expected a JSON object");
                entries.Add(ParseObject(ref reader, lineNumber));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(lineNumber, "malformed JSON: " + e.Message, e);
        }
        return entries;
    }

    private static TarSplitEntry ParseObject(ref Utf8JsonReader reader, int lineNumber)
    {
        int type = 0;
        string? name = null;
        byte[]? nameRaw = null, payload = null;
        long size = 0, position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString() ?? "";
            reader.Read();
            var isNull = reader.TokenType == JsonTokenType.Null;
            switch (key.ToLowerInvariant())
            {
                case "type":
                    if (!isNull) type = GetInt32(ref reader, key, lineNumber);
                    break;
                case "name":
                    if (!isNull) name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Invalid(lineNumber, "\"name\" is not a string");
                    break;
                case "name_raw":
                    nameRaw = isNull ? null : GetBase64(ref reader, key, lineNumber);
                    break;
                case "size":
                    if (!isNull) size = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s) ? s : throw Invalid(lineNumber, "\"size\" is not a 64-bit integer");
                    break;
                case "payload":
                    payload = isNull ? null : GetBase64(ref reader, key, lineNumber);
                    break;
                case "position":
                    if (!isNull) position = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var p) ? p : throw Invalid(lineNumber, "\"position\" is not an integer");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (type is not (TarSplitEntry.FileType or TarSplitEntry.SegmentType))
            throw Invalid(lineNumber, $"unknown tar-split entry type {type}");
        return new TarSplitEntry(type, name, nameRaw, size, payload, position);
    }

    private static int GetInt32(ref Utf8JsonReader reader, string key, int lineNumber) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Invalid(lineNumber, $"\"{key}\" is not an integer");

    private static byte[] GetBase64(ref Utf8JsonReader reader, string key, int lineNumber)
    {
        if (reader.TokenType != JsonTokenType.String) throw Invalid(lineNumber, $"\"{key}\" is not a base64 string");
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var text = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var textLength = reader.CopyString(text);
            var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(textLength)];
            if (Base64.DecodeFromUtf8(text.AsSpan(0, textLength), decoded, out var consumed, out var written) != OperationStatus.Done || consumed != textLength)
                throw Invalid(lineNumber, $"\"{key}\" is not valid standard base64");
            return written == decoded.Length ? decoded : decoded[..written];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
    }

    private static ChunkedBuildException Invalid(int lineNumber, string reason, Exception? inner = null) =>
        new(ErrorCodes.ValidationFailed, $"tar-split line {lineNumber}: {reason}", innerException: inner);
}
