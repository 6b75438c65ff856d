namespace ChunkedBuild.Core.IO;

/// <summary>Reading helpers for streams that cannot seek (HTTP bodies, tar entries).</summary>
public static class StreamReading
{
    /// <summary>Reads and discards <paramref name="count"/> bytes; returns how many were skipped (fewer when the stream ends first).</summary>
    public static async Task<long> SkipAsync(this Stream stream, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var left = count;
        while (left > 0)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            left -= n;
        }
        return count - left;
    }

    /// <summary>Reads <paramref name="length"/> bytes, or what is left when the stream ends first.</summary>
    public static async Task<byte[]> ReadUpToAsync(this Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var got = await stream.ReadAtLeastAsync(buffer, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return got == length ? buffer : buffer[..got];
    }
}
