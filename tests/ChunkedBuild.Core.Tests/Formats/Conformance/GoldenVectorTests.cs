using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>
/// The worked example of docs/formats.md §1.11 (tests/vectors): what does not depend on the compressor is pinned as
/// literals; the real reference blobs must pass the Core validators.
/// </summary>
public partial class GoldenVectorTests
{
    /// <summary>sha256 of worked-example.tar: the DiffID zstd:chunked must keep.</summary>
    private const string WorkedExampleDiffId = "sha256:6a2f9f80ca167fae71bba455015de0996faa986d592e6426b30fd58421eb5e16";

    /// <summary>Length of the compact TOC JSON of the worked example (3rd field of manifest-position).</summary>
    private const long WorkedExampleTocLength = 760;

    /// <summary>Length of the worked example's tar-split JSON lines (3rd field of tarsplit-position).</summary>
    private const long WorkedExampleTarSplitLength = 7357;

    private static string Vector(string name) => Path.Combine(RepoPaths.Vectors, name);

    [Fact]
    public async Task Zstd_chunked_toc_of_the_worked_example_equals_containers_storage_except_compressor_dependent_values()
    {
        var layer = await ConvertWorkedExampleAsync();
        var position = Position(layer.Result.Annotations[ZstdChunkedSpec.ManifestPositionAnnotation]);
        var toc = DecompressPayload(layer.Blob, position);
        var expected = await File.ReadAllBytesAsync(Vector("worked-example.cstorage.toc.json"), TestContext.Current.CancellationToken);

        Assert.Equal(WithoutCompressorDependentValues(Encoding.UTF8.GetString(expected)), WithoutCompressorDependentValues(Encoding.UTF8.GetString(toc)));
        Assert.Equal(WorkedExampleTocLength, toc.LongLength);
    }

    [Fact]
    public async Task Zstd_chunked_tar_split_of_the_worked_example_equals_the_tar_split_library_output()
    {
        var layer = await ConvertWorkedExampleAsync();
        var position = Position(layer.Result.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation]);
        var tarSplit = DecompressPayload(layer.Blob, position);
        var expected = await File.ReadAllBytesAsync(Vector("worked-example.tar-split.jsonl"), TestContext.Current.CancellationToken);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(tarSplit));
        Assert.Equal(WorkedExampleTarSplitLength, tarSplit.LongLength);
    }

    [Fact]
    public async Task Zstd_chunked_annotations_and_diffid_of_the_worked_example_are_pinned()
    {
        var layer = await ConvertWorkedExampleAsync();
        var a = layer.Result.Annotations;

        Assert.Equal(
            [ZstdChunkedSpec.ManifestChecksumAnnotation, ZstdChunkedSpec.ManifestPositionAnnotation, ZstdChunkedSpec.TarSplitPositionAnnotation],
            a.Keys.Order(StringComparer.Ordinal));
        var manifest = a[ZstdChunkedSpec.ManifestPositionAnnotation].Split(':');
        Assert.Equal(4, manifest.Length);
        Assert.Equal("760", manifest[2]);
        Assert.Equal("1", manifest[3]);
        var tarSplit = a[ZstdChunkedSpec.TarSplitPositionAnnotation].Split(':');
        Assert.Equal(3, tarSplit.Length);
        Assert.Equal("7357", tarSplit[2]);
        Assert.Equal(WorkedExampleDiffId, layer.Result.DiffId.ToString());
        Assert.Equal(WorkedExampleDiffId, Digest.Sha256Of(await File.ReadAllBytesAsync(Vector("worked-example.tar"), TestContext.Current.CancellationToken)).ToString());
    }

    [Fact]
    public void Zstd_chunked_validator_accepts_the_containers_storage_blob()
    {
        using var blob = File.OpenRead(Vector("worked-example.cstorage.zstd-chunked"));
        Assert.Equal("sha256:573e2e407c7a7b0d2459801cb209ca6c7782ff5e0cbb40ecc7f749e722a0f62c", Digest.Sha256Of(blob).ToString());
        Assert.Equal(1425, blob.Length);
        blob.Position = 0;
        var verdict = LayerFormats.Get("zstd-chunked").Validator.Validate(blob, new LayerValidationRequest
        {
            Annotations = new Dictionary<string, string>
            {
                [ZstdChunkedSpec.ManifestChecksumAnnotation] = "sha256:78de34ed8def8a8060d17b9bebf904606e67a8ce6dfdbc18ab70c9e465ddfad1",
                [ZstdChunkedSpec.ManifestPositionAnnotation] = "396:350:760:1",
                [ZstdChunkedSpec.TarSplitPositionAnnotation] = "754:599:7357",
            },
            DiffId = Digest.Parse(WorkedExampleDiffId),
        });
        Assert.True(verdict.IsValid, string.Join('\n', verdict.Failures));
        Assert.Equal(WorkedExampleDiffId, verdict.DiffId?.ToString());
    }

    [Fact]
    public void EStargz_validator_accepts_the_stargz_snapshotter_blob()
    {
        using var blob = File.OpenRead(Vector("worked-example.stargz.estargz"));
        const string diffId = "sha256:ef35402195c7569235190dc2dce870fb4e3fa6ed42580f05a2554eae1481af11";
        var verdict = LayerFormats.Get("estargz").Validator.Validate(blob, new LayerValidationRequest
        {
            Annotations = new Dictionary<string, string>
            {
                [EStargzSpec.TocDigestAnnotation] = "sha256:2afd06b12cef0c2585f6c6e5e3bee74f91c5e50101ad8a3fa4bef5bc3a3130bd",
                [EStargzSpec.UncompressedSizeAnnotation] = "8192",
            },
            DiffId = Digest.Parse(diffId),
        });
        Assert.True(verdict.IsValid, string.Join('\n', verdict.Failures));
        Assert.Equal(diffId, verdict.DiffId?.ToString());
    }

    private static async Task<ConvertedLayer> ConvertWorkedExampleAsync()
    {
        var tar = await File.ReadAllBytesAsync(Vector("worked-example.tar"), TestContext.Current.CancellationToken);
        return await ConvertedLayer.ConvertAsync(LayerFormats.Get("zstd-chunked"), tar, new FormatOptions { TempDirectory = Path.GetTempPath() });
    }

    /// <summary>Parses <c>offset:compressedLength:uncompressedLength[:type]</c>.</summary>
    private static (long Offset, long Length, long UncompressedLength) Position(string annotation)
    {
        var f = annotation.Split(':').Select(s => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        return (f[0], f[1], f[2]);
    }

    /// <summary>Decompresses the zstd payload of a skippable frame whose payload is at <paramref name="position"/>.</summary>
    private static byte[] DecompressPayload(byte[] blob, (long Offset, long Length, long UncompressedLength) position)
    {
        using var zstd = new ZstdSharp.Decompressor();
        var payload = blob.AsSpan((int)position.Offset, (int)position.Length);
        var bytes = zstd.Unwrap(payload).ToArray();
        Assert.Equal(position.UncompressedLength, bytes.LongLength);
        return bytes;
    }

    /// <summary>Blanks the values that depend on the compressed bytes: offsets and the tar-split digest.</summary>
    private static string WithoutCompressorDependentValues(string toc) =>
        TarSplitDigestValue().Replace(OffsetValue().Replace(toc, "\"$1\":0"), "\"tarSplitDigest\":\"sha256:-\"");

    [GeneratedRegex("\"(offset|endOffset)\":[0-9]+")]
    private static partial Regex OffsetValue();

    [GeneratedRegex("\"tarSplitDigest\":\"sha256:[0-9a-f]{64}\"")]
    private static partial Regex TarSplitDigestValue();
}
