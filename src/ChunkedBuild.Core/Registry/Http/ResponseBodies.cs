namespace ChunkedBuild.Core.Registry.Http;

/// <summary>Reads of small HTTP bodies (documents, error bodies, token answers) with a byte limit, so no answer can take unbounded memory.</summary>
internal static class ResponseBodies
{
    /// <summary>An error body worth reading into a message is small JSON: the rest is not read.</summary>
    public const int MaxErrorBytes = 64 << 10;

    /// <summary>A token endpoint's answer (a JWT with its scopes fits in far less).</summary>
    public const int MaxTokenBytes = 1 << 20;

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes of <paramref name="content"/>; <c>Truncated</c> says whether more followed
    /// (one byte past the limit is read to tell).
    /// </summary>
    public static async Task<(byte[] Bytes, bool Truncated)> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1L - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0) return (buffer.ToArray(), false);
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) return (buffer.GetBuffer().AsSpan(0, limit).ToArray(), true);
        }
    }
}
