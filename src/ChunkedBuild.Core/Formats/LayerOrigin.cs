using System.Buffers;
using System.Security.Cryptography;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>The entries of a source layer as a writer sees them (densified as the options say), and the sparse entries densified.</summary>
/// <param name="Entries">Every entry, in tar order.</param>
/// <param name="Densified">The sparse entries written as regular files (empty when none).</param>
public sealed record SourceEntries(IReadOnlyList<TarEntryDigest> Entries, IReadOnlyList<DensifiedEntry> Densified);

/// <summary>
/// Whether a converted blob holds exactly the entries of its source layer, in the order the format's writer puts them for the given
/// options, plus only the entries the writer generates itself. This is what makes a layer converted elsewhere (a registry cache entry)
/// as good as one converted here: the format's validator proves the blob is what its TOC and annotations say, and this check proves
/// that what it says is the source. Every entry is compared by the sha256 of its header blocks and of its payload, so names, metadata,
/// extended headers and contents all count; only tar padding (which no reader sees) is not compared.
/// </summary>
public static class LayerOrigin
{
    private const int MaxReported = 5;

    /// <summary>
    /// Reads a source layer's tar as a writer with <paramref name="options"/> would: densified when <see cref="FormatOptions.Sparse"/> says
    /// so, every entry checked by the <see cref="EntryRules"/> (an entry the formats cannot carry throws its refusal code, as the writer would).
    /// </summary>
    public static SourceEntries ReadSource(Stream tar, FormatOptions options, CancellationToken cancellationToken)
    {
        var input = SparseInput.Open(tar, options);
        try
        {
            var rules = new EntryRules(options.LayerName);
            var entries = Read(input, rules.Check, cancellationToken);
            return new SourceEntries(entries, input is SparseDensifier densifier ? [.. densifier.DensifiedEntries] : []);
        }
        finally
        {
            if (!ReferenceEquals(input, tar)) input.Dispose();
        }
    }

    /// <summary>
    /// Compares the tar <paramref name="decompressedBlob"/> (a converted blob, decompressed) with the entries <paramref name="format"/>
    /// writes for <paramref name="source"/> and <paramref name="options"/>; returns one line per difference (empty: the blob holds exactly
    /// those entries, in that order).
    /// </summary>
    public static IReadOnlyList<string> Check(Stream decompressedBlob, ILayerFormat format, SourceEntries source, FormatOptions options, CancellationToken cancellationToken) =>
        Check(Read(decompressedBlob, null, cancellationToken), format, source, options);

    /// <summary>
    /// <see cref="Check(Stream, ILayerFormat, SourceEntries, FormatOptions, CancellationToken)"/> on a blob's entries already read (by its
    /// validator: <see cref="LayerValidationResult.StreamEntries"/>), so the blob is not decompressed again.
    /// </summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<TarEntryDigest> actual, ILayerFormat format, SourceEntries source, FormatOptions options)
    {
        var expected = format.ArrangeEntries([.. source.Entries.Select(e => e.Info)], options);
        var failures = new List<string>();
        var count = 0;
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (Difference(expected[i], actual[i], source) is not { } difference) continue;
            if (++count <= MaxReported) failures.Add($"entry {i} '{actual[i].Info.Name}': {difference}");
        }
        if (count > MaxReported) failures.Add($"{count - MaxReported} more entries differ");
        if (actual.Count != expected.Count)
            failures.Add($"the blob holds {actual.Count} entries, the {format.Name} conversion of the source holds {expected.Count}");
        return failures;
    }

    private static string? Difference(ExpectedEntry expected, TarEntryDigest actual, SourceEntries source)
    {
        if (expected.SourceIndex >= 0)
        {
            var want = source.Entries[expected.SourceIndex];
            if (want.HeaderDigest != actual.HeaderDigest)
                return $"its header differs from the source's entry {expected.SourceIndex} '{want.Info.Name}' there";
            return want.PayloadDigest == actual.PayloadDigest ? null : $"its content differs from the source's entry '{want.Info.Name}'";
        }
        var header = expected.GeneratedHeader!(actual.Info.Size);
        if (Digest.Sha256Of(header) != actual.HeaderDigest)
            return $"expected the generated entry '{expected.GeneratedName}' with the writer's own header";
        return expected.GeneratedContent is { } content && Digest.Sha256Of(content) != actual.PayloadDigest
            ? $"the generated entry '{expected.GeneratedName}' has other content than the writer's"
            : null;
    }

    private static List<TarEntryDigest> Read(Stream tar, Action<RawTarEntry>? check, CancellationToken cancellationToken)
    {
        var entries = new List<TarEntryDigest>();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var reader = new RawTarReader(tar, leaveOpen: true);
            using var payload = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            while (reader.ReadNext() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                check?.Invoke(entry);
                var header = Digest.Sha256Of(entry.HeaderBytes.Span);
                int n;
                while ((n = reader.ReadData(buffer)) > 0) payload.AppendData(buffer, 0, n);
                entries.Add(new TarEntryDigest(entry.Info, header, Digest.FromSha256Bytes(payload.GetHashAndReset())));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return entries;
    }
}
