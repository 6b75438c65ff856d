using System.Globalization;
using System.Text;

namespace ChunkedBuild.Core.Registry;

/// <summary>One part of a <c>multipart/byteranges</c> body: its <c>Content-Range</c> header and its bytes.</summary>
/// <param name="ContentRange">The part's <c>Content-Range</c> (<c>bytes first-last/size</c>), or null when it has none.</param>
/// <param name="Body">The part's bytes.</param>
public sealed record ByteRangePart(string? ContentRange, byte[] Body);

/// <summary>
/// Reads a <c>multipart/byteranges</c> body (RFC 9110 §14.6): parts delimited by <c>--boundary</c> lines, each with its own headers
/// (<c>Content-Range: bytes first-last/size</c>), an empty line and <c>last - first + 1</c> bytes; the body ends with <c>--boundary--</c>.
/// </summary>
public static class MultipartByteRanges
{
    /// <summary>The parts of <paramref name="body"/> in order, or null when it is not a well-formed multipart body with that boundary.</summary>
    public static IReadOnlyList<ByteRangePart>? Parse(ReadOnlySpan<byte> body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<ByteRangePart>();
        var position = body.IndexOf(delimiter);
        if (position < 0) return null;
        while (true)
        {
            position += delimiter.Length;
            var rest = body[position..];
            if (rest.StartsWith("--"u8)) return parts;
            if (!rest.StartsWith("\r\n"u8)) return null;
            position += 2;
            var headersEnd = body[position..].IndexOf("\r\n\r\n"u8);
            // A part without headers starts with the empty line at once.
            string headers;
            if (body[position..].StartsWith("\r\n"u8))
            {
                headers = "";
                position += 2;
            }
            else
            {
                if (headersEnd < 0) return null;
                headers = Encoding.ASCII.GetString(body.Slice(position, headersEnd));
                position += headersEnd + 4;
            }
            var contentRange = headers.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Range", StringComparison.OrdinalIgnoreCase))
                .Select(p => p[1].Trim()).FirstOrDefault();
            if (Length(contentRange) is not { } length || position + length > body.Length) return null;
            parts.Add(new ByteRangePart(contentRange, body.Slice(position, (int)length).ToArray()));
            position += (int)length;
            var next = body[position..].IndexOf(delimiter);
            if (next < 0) return null;
            position += next;
        }
    }

    /// <summary>The byte count a <c>bytes first-last/size</c> header names, or null.</summary>
    private static long? Length(string? contentRange)
    {
        if (contentRange is null || !contentRange.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return null;
        var span = contentRange["bytes ".Length..].Split('/')[0].Split('-');
        return span.Length == 2 && long.TryParse(span[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && long.TryParse(span[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last >= first
            ? last - first + 1 : null;
    }
}
