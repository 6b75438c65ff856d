namespace ChunkedBuild.Core.Registry.Http;

/// <summary>
/// Reads of blob bodies under <see cref="RegistryClientOptions.IdleTimeout"/>: each read must deliver within it, however long the
/// whole body takes. A stall becomes an <see cref="IOException"/>, which the retry policy treats as a broken connection (the
/// caller resumes where it stopped).
/// </summary>
internal static class IdleReads
{
    /// <summary>One read of <paramref name="body"/> that must deliver within <paramref name="idle"/>.</summary>
    public static async ValueTask<int> ReadAsync(Stream body, Memory<byte> buffer, TimeSpan idle, string operation, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(idle);
        try
        {
            return await body.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"{operation}: no data for {idle.TotalSeconds:0.###} s (the idle timeout)");
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes, or what is left when the body ends first, each read within <paramref name="idle"/>.</summary>
    public static async Task<byte[]> ReadUpToAsync(Stream body, int length, TimeSpan idle, string operation, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var got = 0;
        while (got < length)
        {
            var n = await ReadAsync(body, buffer.AsMemory(got), idle, operation, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            got += n;
        }
        return got == length ? buffer : buffer[..got];
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes (fewer when the body ends first), each read within <paramref name="idle"/>.</summary>
    public static async Task SkipAsync(Stream body, long count, TimeSpan idle, string operation, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        for (var left = count; left > 0;)
        {
            var n = await ReadAsync(body, buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), idle, operation, cancellationToken).ConfigureAwait(false);
            if (n == 0) return;
            left -= n;
        }
    }
}
