namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// The payload of a regular file in a <see cref="TarSpec"/>: a length and a deterministic generator, so big contents
/// (seeded random data, zero runs) cost nothing until a producer writes them.
/// </summary>
public sealed class TarContent
{
    private readonly Func<byte[]> _generate;

    private TarContent(long length, string description, Func<byte[]> generate, IReadOnlyList<(long Offset, TarContent Data)>? dataRegions = null)
    {
        Length = length;
        Description = description;
        _generate = generate;
        DataRegions = dataRegions;
    }

    /// <summary>Number of bytes <see cref="GetBytes"/> returns.</summary>
    public long Length { get; }

    /// <summary>
    /// For sparse content (<see cref="Sparse"/>): the data written at each offset, in order; everything else is hole. Null for
    /// ordinary content, which is written byte for byte.
    /// </summary>
    public IReadOnlyList<(long Offset, TarContent Data)>? DataRegions { get; }

    /// <summary>A short human description (for test output).</summary>
    public string Description { get; }

    /// <summary>Produces the bytes (a fresh array on every call; the result is always the same).</summary>
    public byte[] GetBytes()
    {
        var bytes = _generate();
        if (bytes.LongLength != Length) throw new InvalidOperationException($"content '{Description}' produced {bytes.LongLength} bytes, declared {Length}");
        return bytes;
    }

    /// <summary>No bytes at all.</summary>
    public static TarContent Empty { get; } = new(0, "empty", () => []);

    /// <summary>Exactly these bytes (copied).</summary>
    public static TarContent Bytes(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        return new TarContent(copy.Length, $"{copy.Length} literal bytes", () => (byte[])copy.Clone());
    }

    /// <summary>UTF-8 text.</summary>
    public static TarContent Text(string text) => Bytes(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary><paramref name="length"/> bytes of seeded pseudo-random data (same seed, same bytes, on every .NET).</summary>
    public static TarContent Random(int seed, int length) => new(length, $"{length} random bytes (seed {seed})", () =>
    {
        var bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        // A random run of 1024 zeros is practically impossible, but make "random" mean "no zero byte" so zero runs
        // appear only where a spec puts them.
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0) bytes[i] = 0x5a;
        }
        return bytes;
    });

    /// <summary><paramref name="length"/> zero bytes.</summary>
    public static TarContent Zeros(int length) => new(length, $"{length} zeros", () => new byte[length]);

    /// <summary>
    /// A file of <paramref name="length"/> bytes that is hole except for <paramref name="data"/> at their offsets (ascending, not
    /// overlapping). Producers write it with seeks so the file system keeps the holes; read back, holes are zeros.
    /// </summary>
    public static TarContent Sparse(long length, params (long Offset, TarContent Data)[] data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var end = data[i].Offset + data[i].Data.Length;
            if (data[i].Offset < 0 || end > length || (i > 0 && data[i].Offset < data[i - 1].Offset + data[i - 1].Data.Length))
                throw new ArgumentException("sparse data regions must be ascending, disjoint and inside the file", nameof(data));
        }
        var description = data.Length == 0 ? $"{length} bytes of hole"
            : $"{length} bytes: {string.Join(", ", data.Select(d => $"{d.Data.Length} at {d.Offset}"))}, the rest hole";
        return new TarContent(length, description, () =>
        {
            var all = new byte[length];
            foreach (var (offset, part) in data) part.GetBytes().CopyTo(all, offset);
            return all;
        }, data);
    }

    /// <summary>A file of <paramref name="length"/> bytes that is all hole.</summary>
    public static TarContent Hole(long length) => Sparse(length);

    /// <summary>The parts one after another.</summary>
    public static TarContent Concat(params TarContent[] parts) =>
        new(parts.Sum(p => p.Length), string.Join(" + ", parts.Select(p => p.Description)), () =>
        {
            var all = new byte[parts.Sum(p => p.Length)];
            var at = 0;
            foreach (var p in parts)
            {
                var b = p.GetBytes();
                b.CopyTo(all, at);
                at += b.Length;
            }
            return all;
        });

    /// <inheritdoc />
    public override string ToString() => Description;
}
