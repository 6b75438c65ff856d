using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ChunkedBuild.Core.Tests.Robustness.Fuzz;

/// <summary>
/// Mutated layers: seed tars in several dialects (PAX, GNU, ustar, V7) with the awkward entry kinds, damaged in their headers (a field
/// rewritten, the checksum then fixed most of the time so the damage gets past the checksum), their PAX records, their payload or their
/// length, then stored plain, gzip- or zstd-compressed (the compressed bytes sometimes damaged too).
/// </summary>
internal sealed class TarMutator(Random random, IReadOnlyList<(byte[] Tar, int[] Headers)> seeds)
{
    private const int Block = 512;

    /// <summary>Header fields (offset, length) of a ustar header.</summary>
    private static readonly (int Offset, int Length)[] Fields =
    [
        (0, 100), (100, 8), (108, 8), (116, 8), (124, 12), (136, 12), (156, 1), (157, 100), (257, 6), (263, 2), (265, 32), (297, 32),
        (329, 8), (337, 8), (345, 155),
    ];

    private static readonly byte[] TypeFlags = "0123456789LKxgSADMNV\0"u8.ToArray();

    /// <summary>A mutated layer blob (plain tar, gzip or zstd) and a name from the seed it came from, for prioritization.</summary>
    public (byte[] Layer, string AName) Next()
    {
        var (seed, headers) = seeds[random.Next(seeds.Count)];
        var tar = (byte[])seed.Clone();
        var rounds = random.Next(4);
        for (var i = 0; i < rounds; i++) tar = Mutate(tar, headers);
        var name = random.Next(2) == 0 ? "dir/data.bin" : "dir/sub/" + new string('n', 120);
        byte[] layer = random.Next(20) switch
        {
            < 12 => tar,
            < 17 => Gzip(tar),
            _ => new ZstdSharp.Compressor(1).Wrap(tar).ToArray(),
        };
        if (layer != tar && random.Next(5) == 0)
        {
            layer = (byte[])layer.Clone();
            layer[random.Next(layer.Length)] ^= (byte)(1 << random.Next(8));
        }
        return (layer, name);
    }

    private byte[] Mutate(byte[] tar, int[] headers)
    {
        switch (random.Next(10))
        {
            case < 5:
                {
                    var copy = (byte[])tar.Clone();
                    var at = headers[random.Next(headers.Length)];
                    if (at + Block > copy.Length) return copy;
                    var (offset, length) = Fields[random.Next(Fields.Length)];
                    WriteField(copy.AsSpan(at + offset, length), offset);
                    if (random.Next(8) != 0) FixChecksum(copy, at);
                    return copy;
                }
            case 5:
                {
                    var copy = (byte[])tar.Clone();
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                    return copy;
                }
            case 6:
                return tar[..random.Next(tar.Length)];
            case 7:
                {
                    var extra = new byte[random.Next(3) == 0 ? Block * random.Next(1, 4) : random.Next(1, 700)];
                    if (random.Next(2) == 0) random.NextBytes(extra);
                    return [.. tar, .. extra];
                }
            case 8:
                {
                    var from = Math.Min(tar.Length, headers[random.Next(headers.Length)]);
                    var to = Math.Min(tar.Length, from + Block * random.Next(1, 4));
                    var at = Math.Min(tar.Length, headers[random.Next(headers.Length)]);
                    return [.. tar[..at], .. tar[from..to], .. tar[at..]];
                }
            default:
                {
                    var at = Math.Min(tar.Length, headers[random.Next(headers.Length)]);
                    var end = Math.Min(tar.Length, at + Block * random.Next(1, 3));
                    return [.. tar[..at], .. tar[end..]];
                }
        }
    }

    private void WriteField(Span<byte> field, int offset)
    {
        if (offset == 156)
        {
            field[0] = TypeFlags[random.Next(TypeFlags.Length)];
            return;
        }
        string text = random.Next(9) switch
        {
            0 => new string('7', field.Length - 1),
            1 => "",
            2 => "../../etc/passwd",
            3 => Convert.ToString(random.Next(0, 1 << 20), 8).PadLeft(field.Length - 1, '0'),
            4 => " 12 ",
            5 => "./dir/" + new string('x', random.Next(0, 200)),
            6 => "-1",
            7 => "\u00e9\u00e8",
            _ => Convert.ToString(random.NextInt64(), 8),
        };
        field.Clear();
        var bytes = Encoding.UTF8.GetBytes(text);
        if (random.Next(12) == 0)
        {
            // GNU base-256: high bit set, then big-endian binary
            field[0] = 0x80;
            random.NextBytes(field[1..]);
            return;
        }
        if (random.Next(15) == 0) bytes = [0xff, 0xfe, 0x41];
        bytes.AsSpan(0, Math.Min(bytes.Length, field.Length)).CopyTo(field);
    }

    private static void FixChecksum(byte[] tar, int at)
    {
        tar.AsSpan(at + 148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in tar.AsSpan(at, Block)) sum += b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, at + 148);
    }

    private static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    /// <summary>Seed tars in each dialect, with the offsets where their header blocks (extension headers included) start.</summary>
    public static IReadOnlyList<(byte[] Tar, int[] Headers)> BuildSeeds()
    {
        var seeds = new List<(byte[], int[])>();
        foreach (var format in new[] { TarEntryFormat.Pax, TarEntryFormat.Gnu, TarEntryFormat.Ustar, TarEntryFormat.V7 })
        {
            var buffer = new MemoryStream();
            var headers = new List<int>();
            using (var writer = new TarWriter(buffer, format, leaveOpen: true))
            {
                var data = new byte[70_000];
                new Random(5).NextBytes(data);
                void Add(TarEntry entry)
                {
                    headers.Add((int)buffer.Position);
                    writer.WriteEntry(entry);
                }
                Add(Entry(format, TarEntryType.Directory, "dir/"));
                Add(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, "dir/data.bin", data));
                Add(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, "dir/empty"));
                Add(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, "dir/zeros", new byte[9000]));
                Add(Entry(format, TarEntryType.SymbolicLink, "dir/link", linkName: "data.bin"));
                Add(Entry(format, TarEntryType.HardLink, "dir/hard", linkName: "dir/data.bin"));
                if (format != TarEntryFormat.V7)
                {
                    Add(Entry(format, TarEntryType.Directory, "dir/sub/"));
                    if (format is TarEntryFormat.Pax or TarEntryFormat.Gnu) Add(Entry(format, TarEntryType.RegularFile, "dir/sub/" + new string('n', 120), "abc"u8.ToArray()));
                    Add(Entry(format, TarEntryType.Fifo, "dir/fifo"));
                    Add(Entry(format, TarEntryType.CharacterDevice, "dir/char"));
                }
            }
            // Every block that looks like a header start: each entry's first block and, for PAX/GNU, the blocks after extension headers.
            var tar = buffer.ToArray();
            var all = new SortedSet<int>(headers);
            for (var at = 0; at + Block <= tar.Length; at += Block)
                if (tar.AsSpan(at + 257, 5).SequenceEqual("ustar"u8)) all.Add(at);
            seeds.Add((tar, [.. all]));
        }
        return seeds;
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name, byte[]? data = null, string? linkName = null)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.Pax => new PaxTarEntry(type, name, new Dictionary<string, string> { ["SCHILY.xattr.user.k"] = "v", ["mtime"] = "1700000000.123456789" }),
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            TarEntryFormat.Ustar => new UstarTarEntry(type, name),
            _ => new V7TarEntry(type, name),
        };
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000); // fixed, so a seed replays the same bytes
        if (data is not null) entry.DataStream = new MemoryStream(data);
        if (linkName is not null) entry.LinkName = linkName;
        if (entry is PosixTarEntry { EntryType: TarEntryType.CharacterDevice } device)
        {
            device.DeviceMajor = 1;
            device.DeviceMinor = 3;
        }
        return entry;
    }
}
