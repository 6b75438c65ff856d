using ChunkedBuild.Core.Tar;
using static ChunkedBuild.Testing.Corpus.TarSpec;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// The awkward entries a chunked-layer writer must survive (each commented with what it exercises). Every directory
/// precedes its children; hard links share their target's metadata.
/// </summary>
public static class TarCorpusCatalogue
{
    /// <summary>The eStargz chunk size: a file of exactly this size gets a single full chunk.</summary>
    public const int EStargzChunkSize = 4 << 20;

    /// <summary>Seeded-random size of the many-chunks file (≈ 24 content-defined chunks of ~64 KiB).</summary>
    public const int ManyChunksSize = 1536 << 10;

    /// <summary>A 150-byte directory component: alone it exceeds ustar's 100-byte name field.</summary>
    public static readonly string LongComponent = new('c', 150);

    /// <summary>The awkward entries; <paramref name="withBigFiles"/> adds a 4 MiB file and a 1.5 MiB many-chunks file.</summary>
    public static TarSpec Awkward(bool withBigFiles)
    {
        var hello = File("d/a.txt", "hello\n") with { Uid = 1000, Gid = 1000 };
        var entries = new List<TarEntrySpec>
        {
            File("top.txt", "a file at the root\n"),
            // set-uid bit in the mode field
            File("tool.sh", "#!/bin/sh\necho hi\n") with { Mode = 0x9ED }, // 0o4755
            Dir("d/") with { Mode = 0x1E8 }, // 0o750
            hello,
            EmptyFile("d/empty"),
            Symlink("d/link", "a.txt"),
            HardLinkTo("d/hard", hello),
            Fifo("d/fifo"),
            CharDevice("d/null", 1, 3) with { Mode = 0x1B6 }, // 0o666
            BlockDevice("d/loop0", 7, 0) with { Mode = 0x1B0 }, // 0o660

            // names: 140 bytes (ustar splits it into prefix + name), a 150-byte component, a 300-byte path
            Dir("long/"),
            Dir($"long/{new string('p', 60)}/"),
            File($"long/{new string('p', 60)}/{new string('n', 70)}.txt", "splits into ustar prefix and name\n"),
            Dir($"long/{LongComponent}/"),
            File($"long/{LongComponent}/{new string('f', 140)}.txt", "a name longer than 255 bytes\n"),
            // a symlink target longer than 100 bytes
            Symlink("long/far-link", "../" + string.Join('/', Enumerable.Repeat("target-segment", 8))),

            // unicode names (multi-byte UTF-8, astral-plane emoji)
            Dir("ünïcødé/"),
            File("ünïcødé/日本語.txt", "こんにちは\n"),
            File("ünïcødé/🎉emoji🚀.txt", "party\n"),

            // xattrs: a binary value with NUL and non-UTF-8 bytes, a UTF-8 one with a NUL
            Dir("attrs/"),
            File("attrs/xattr.bin", "has xattrs\n") with
            {
                Xattrs = new Dictionary<string, byte[]>
                {
                    ["user.foo"] = [0x00, 0xFF, 0x01, 0x80, 0x7F],
                    ["user.comment"] = "hi\0there"u8.ToArray(),
                },
            },

            // times: nanosecond PAX mtime, a half-second dir mtime, the epoch itself (readers treat it as "no time")
            Dir("times/") with { ModTime = new TarTime(1_700_000_001, 500_000_000) },
            File("times/ns.txt", "nanoseconds\n") with { ModTime = new TarTime(1_700_000_000, 123_456_789) },
            File("times/epoch.txt", "1970\n") with { ModTime = new TarTime(0, 0) },

            // ids beyond 7 octal digits: base-256 (GNU) or PAX uid/gid records
            Dir("ids/"),
            File("ids/big.txt", "big ids\n") with { Uid = 3_000_000, Gid = 3_000_001 },

            // zero runs: 1023 (data), 1024 and 8192 (zstd:chunked "zeros" chunks) inside random data; all zeros
            Dir("zeros/"),
            File("zeros/runs.bin", TarContent.Concat(
                TarContent.Random(1, 8192), TarContent.Zeros(1023), TarContent.Random(2, 4096), TarContent.Zeros(1024),
                TarContent.Random(3, 4096), TarContent.Zeros(8192), TarContent.Random(4, 4096))),
            File("zeros/all-zero.bin", TarContent.Zeros(64 << 10)),
        };
        if (withBigFiles)
        {
            entries.Add(Dir("big/"));
            // exactly one eStargz chunk
            entries.Add(File("big/exact-4MiB.bin", TarContent.Random(5, EStargzChunkSize)));
            // many content-defined chunks
            entries.Add(File("big/many-chunks.bin", TarContent.Random(6, ManyChunksSize)));
        }
        return Of(entries);
    }

    /// <summary>File-system block size: archivers find data and holes at this granularity, so regions are block-aligned.</summary>
    public const int FileSystemBlock = 4096;

    /// <summary>The hole of <c>sparse/big-hole.bin</c>: more than an eStargz chunk (4 MiB).</summary>
    public const int BigHole = 5 << 20;

    /// <summary>Data regions of <c>sparse/many-regions.bin</c>: more than old GNU's 4 in-header regions and 21 per extension block.</summary>
    public const int ManyRegions = 40;

    /// <summary>
    /// Files with holes for the sparse producers (each commented with what it exercises), between ordinary entries that
    /// must pass through untouched.
    /// </summary>
    public static TarSpec Sparse()
    {
        const int block = FileSystemBlock;
        var regions = Enumerable.Range(0, ManyRegions).Select(i => ((long)i * 16 * block, TarContent.Random(100 + i, block))).ToArray();
        var many = File("sparse/many-regions.bin", TarContent.Sparse(ManyRegions * 16L * block, regions)) with
        {
            // PAX producers keep these: the densified header must too
            ModTime = new TarTime(1_700_000_000, 123_456_789),
            Xattrs = new Dictionary<string, byte[]> { ["user.sparse"] = "kept"u8.ToArray() },
        };
        return Of(
            Dir("sparse/"),
            File("sparse/before.txt", "an ordinary file before the sparse ones\n"),
            // nothing but hole
            File("sparse/all-hole.bin", TarContent.Hole(3 << 20)),
            // starts with a hole, ends with data
            File("sparse/leading-hole.bin", TarContent.Sparse((1 << 20) + 2 * block, ((1 << 20), TarContent.Random(11, 2 * block)))),
            // starts with data, ends with a hole
            File("sparse/trailing-hole.bin", TarContent.Sparse(2 << 20, (0, TarContent.Random(12, 2 * block)))),
            // a hole larger than 4 MiB (one eStargz chunk) between two data blocks
            File("sparse/big-hole.bin", TarContent.Sparse(block + BigHole + block, (0, TarContent.Random(13, block)), (block + BigHole, TarContent.Random(14, block)))),
            // 40 data regions: old GNU needs two extension blocks, PAX 1.0 a map longer than one block
            many,
            // a name longer than 100 bytes (GNU 'L' record or PAX path record next to the sparse records)
            File($"sparse/{new string('s', 120)}.bin", TarContent.Sparse(1 << 20, (512 << 10, TarContent.Random(15, block)))),
            // a hard link to a sparse file: the densified target must keep its name
            HardLinkTo("sparse/hard-link.bin", many),
            File("sparse/after.txt", "an ordinary file after the sparse ones\n"));
    }
}
