namespace ChunkedBuild.Core.Tests.Formats.Chunking;

/// <summary>Deterministic file contents for chunker tests: random bytes with zero runs of chosen lengths.</summary>
internal static class ChunkTestData
{
    /// <summary>Random non-zero-heavy bytes (the generator's bytes, zeros included at their natural 1/256 rate).</summary>
    public static byte[] Random(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Random bytes that never contain 0 (so a zero run has exactly the length asked for).</summary>
    public static byte[] NonZero(Random rng, int length)
    {
        var bytes = Random(rng, length);
        for (int i = 0; i < bytes.Length; i++) if (bytes[i] == 0) bytes[i] = (byte)(1 + rng.Next(255));
        return bytes;
    }

    /// <summary>Concatenates parts.</summary>
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A file of random stretches and zero runs (lengths drawn around the hole threshold).</summary>
    public static byte[] Mixed(Random rng, int approximateLength)
    {
        var parts = new List<byte[]>();
        int total = 0;
        while (total < approximateLength)
        {
            byte[] part = rng.Next(4) switch
            {
                0 => new byte[rng.Next(1, 1100)],                     // short runs, some just over the threshold
                1 => new byte[1000 + rng.Next(0, 50)],                 // right at the threshold
                2 => rng.Next(8) == 0 ? new byte[rng.Next(1024, 200_000)] : NonZero(rng, rng.Next(1, 3000)),
                _ => Random(rng, rng.Next(1, 150_000)),
            };
            parts.Add(part);
            total += part.Length;
        }
        return Concat([.. parts]);
    }

    /// <summary>Cuts <paramref name="length"/> into random slices (many tiny ones, some large).</summary>
    public static IEnumerable<(int Start, int Length)> RandomSlices(Random rng, int length)
    {
        int position = 0;
        while (position < length)
        {
            int size = rng.Next(5) switch
            {
                0 => 1,
                1 => rng.Next(1, 16),
                2 => rng.Next(1, 1500),
                _ => rng.Next(1, 200_000),
            };
            size = Math.Min(size, length - position);
            yield return (position, size);
            position += size;
        }
    }
}
