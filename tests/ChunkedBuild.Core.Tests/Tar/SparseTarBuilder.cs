using System.Text;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>A sparse file for hand-made tars: its logical size and data regions, from which the stored and dense bytes follow.</summary>
internal sealed record SparseFile(string Name, long Size, IReadOnlyList<(long Offset, byte[] Data)> Regions)
{
    /// <summary>The regions' bytes one after another: what a sparse entry stores.</summary>
    public byte[] Stored => [.. Regions.SelectMany(r => r.Data)];

    /// <summary>The logical content: the regions at their offsets, zeros elsewhere.</summary>
    public byte[] Dense()
    {
        var all = new byte[Size];
        foreach (var (offset, data) in Regions) data.CopyTo(all, offset);
        return all;
    }

    /// <summary><paramref name="count"/> regions of <paramref name="length"/> distinct bytes, every <paramref name="stride"/> bytes.</summary>
    public static SparseFile Striped(string name, int count, int length, int stride, long size) =>
        new(name, size, [.. Enumerable.Range(0, count).Select(i => ((long)i * stride, Enumerable.Repeat((byte)(i + 1), length).ToArray()))]);
}

/// <summary>Hand-made GNU sparse entries in each encoding, byte for byte as GNU tar lays them out.</summary>
internal static class SparseTarBuilder
{
    /// <summary>Old GNU: an 'S' header with 4 map entries, then extension blocks of 21, then the stored regions.</summary>
    public static RawTarBuilder OldGnu(this RawTarBuilder tar, SparseFile file, long? mapSizeOverride = null)
    {
        var regions = file.Regions;
        var header = RawTarBuilder.Header(file.Name, TarTypeFlag.GnuSparse, file.Stored.Length, block =>
        {
            for (var i = 0; i < Math.Min(4, regions.Count); i++) MapEntry(block, 386 + 24 * i, regions[i]);
            block[482] = (byte)(regions.Count > 4 ? 1 : 0);
            Number(block.AsSpan(483, 12), mapSizeOverride ?? file.Size);
        }, gnu: true);
        tar.Raw(header);
        for (var first = 4; first < regions.Count; first += 21)
        {
            var extension = new byte[512];
            for (var i = first; i < Math.Min(first + 21, regions.Count); i++) MapEntry(extension, 24 * (i - first), regions[i]);
            extension[504] = (byte)(first + 21 < regions.Count ? 1 : 0);
            tar.Raw(extension);
        }
        return tar.Payload(file.Stored);
    }

    /// <summary>PAX 0.0: offset/numbytes record pairs; the ustar header keeps the real name.</summary>
    public static RawTarBuilder Pax00(this RawTarBuilder tar, SparseFile file, params byte[][] extraRecords) =>
        tar.Pax([.. extraRecords, RawTarBuilder.PaxRecord("GNU.sparse.size", Dec(file.Size)), RawTarBuilder.PaxRecord("GNU.sparse.numblocks", Dec(file.Regions.Count)),
                .. file.Regions.SelectMany(r => new[] { RawTarBuilder.PaxRecord("GNU.sparse.offset", Dec(r.Offset)), RawTarBuilder.PaxRecord("GNU.sparse.numbytes", Dec(r.Data.Length)) })])
            .Raw(RawTarBuilder.Header(file.Name, TarTypeFlag.Regular, file.Stored.Length)).Payload(file.Stored);

    /// <summary>PAX 0.1: a comma-separated map; the ustar header has GNU tar's made-up name.</summary>
    public static RawTarBuilder Pax01(this RawTarBuilder tar, SparseFile file, params byte[][] extraRecords) =>
        tar.Pax([.. extraRecords, RawTarBuilder.PaxRecord("GNU.sparse.size", Dec(file.Size)), RawTarBuilder.PaxRecord("GNU.sparse.numblocks", Dec(file.Regions.Count)),
                RawTarBuilder.PaxRecord("GNU.sparse.name", file.Name),
                RawTarBuilder.PaxRecord("GNU.sparse.map", string.Join(',', file.Regions.SelectMany(r => new[] { Dec(r.Offset), Dec(r.Data.Length) })))])
            .Raw(RawTarBuilder.Header("./GNUSparseFile.1/" + Path.GetFileName(file.Name), TarTypeFlag.Regular, file.Stored.Length)).Payload(file.Stored);

    /// <summary>PAX 1.0: version records; the map as decimal lines padded to whole blocks at the start of the payload.</summary>
    public static RawTarBuilder Pax10(this RawTarBuilder tar, SparseFile file, byte[]? mapOverride = null, params byte[][] extraRecords)
    {
        var map = mapOverride ?? Map10(file);
        var payload = (byte[])[.. map, .. new byte[(512 - map.Length % 512) % 512], .. file.Stored];
        return tar.Pax([.. extraRecords, RawTarBuilder.PaxRecord("GNU.sparse.major", "1"), RawTarBuilder.PaxRecord("GNU.sparse.minor", "0"),
                RawTarBuilder.PaxRecord("GNU.sparse.name", file.Name), RawTarBuilder.PaxRecord("GNU.sparse.realsize", Dec(file.Size))])
            .Raw(RawTarBuilder.Header("./GNUSparseFile.0/" + Path.GetFileName(file.Name), TarTypeFlag.Regular, payload.Length)).Payload(payload);
    }

    /// <summary>The 1.0 map text: the region count, then offset and length of each, one decimal per line.</summary>
    public static byte[] Map10(SparseFile file) =>
        Encoding.ASCII.GetBytes(string.Concat(new[] { Dec(file.Regions.Count) }.Concat(file.Regions.SelectMany(r => new[] { Dec(r.Offset), Dec(r.Data.Length) })).Select(t => t + "\n")));

    /// <summary>Bytes and their padding to a block boundary.</summary>
    public static RawTarBuilder Payload(this RawTarBuilder tar, byte[] bytes) => tar.Raw(bytes).Raw(new byte[(512 - bytes.Length % 512) % 512]);

    private static void MapEntry(byte[] block, int at, (long Offset, byte[] Data) region)
    {
        Number(block.AsSpan(at, 12), region.Offset);
        Number(block.AsSpan(at + 12, 12), region.Data.Length);
    }

    private static void Number(Span<byte> field, long value)
    {
        if (value < 1L << 33) RawTarBuilder.Octal(field, value);
        else RawTarBuilder.Base256(field, value);
    }

    private static string Dec(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
