using System.Text;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>Broken images fail with a coded error and leave no output behind; layers a format cannot represent are kept (or fail with strict).</summary>
public sealed class BadImageInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-bad-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Output => Path.Combine(_root, "out");

    private string Layout(IReadOnlyList<byte[]>? layers = null)
    {
        var folder = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers ?? TestImageLayout.SampleLayers(1))], ["1"]);
        return folder;
    }

    private async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest? request = null)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out _);
        return await new ImageConverter(request ?? new ConversionRequest { TempDirectory = Path.GetTempPath() }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    private async Task AssertFailsWithoutOutput(string code, string source, string? destination = null)
    {
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(source, destination ?? "oci:" + Output));
        Assert.Equal(code, error.Code);
        Assert.Contains(code, error.Message);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_root), p => Path.GetFileName(p).StartsWith(".out", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith("out", StringComparison.Ordinal));
    }

    private static string LargestBlob(string layout) =>
        Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();

    [Fact]
    public async Task A_missing_layer_blob_is_CHB2003()
    {
        var layout = Layout();
        File.Delete(LargestBlob(layout));
        await AssertFailsWithoutOutput(ErrorCodes.BlobMissing, "oci:" + layout);
    }

    [Fact]
    public async Task A_layer_whose_bytes_do_not_match_its_digest_is_CHB2004()
    {
        var layout = Layout();
        var blob = LargestBlob(layout);
        var bytes = File.ReadAllBytes(blob);
        bytes[4] ^= 0xFF; // the gzip header's MTIME: the layer still decompresses to the same tar, only its digest changes
        File.WriteAllBytes(blob, bytes);
        await AssertFailsWithoutOutput(ErrorCodes.DigestMismatch, "oci:" + layout);
    }

    [Fact]
    public async Task A_tampered_manifest_is_CHB2004()
    {
        var layout = Layout();
        var index = File.ReadAllText(Path.Combine(layout, "index.json"));
        var manifestDigest = System.Text.RegularExpressions.Regex.Match(index, "sha256:[0-9a-f]{64}").Value;
        var path = Path.Combine(layout, "blobs", "sha256", manifestDigest[7..]);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));
        await AssertFailsWithoutOutput(ErrorCodes.DigestMismatch, "oci:" + layout);
    }

    [Fact]
    public async Task A_truncated_archive_is_a_coded_error()
    {
        var tar = Path.Combine(_root, "image.tar");
        TestImageLayout.PackLayout(Layout(), tar);
        var bytes = File.ReadAllBytes(tar);
        File.WriteAllBytes(tar, bytes[..(bytes.Length / 2)]);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci-archive:" + tar, "oci-archive:" + Path.Combine(_root, "out.tar")));
        Assert.StartsWith("CHB2", error.Code);
        Assert.False(File.Exists(Path.Combine(_root, "out.tar")));
        Assert.Equal(["image.tar", "src"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task An_unknown_layer_media_type_is_CHB2006()
    {
        var layout = Layout();
        foreach (var blob in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")))
        {
            var text = File.ReadAllText(blob, Encoding.Latin1);
            if (!text.Contains("\"layers\"")) continue;
            var changed = text.Replace(MediaTypes.OciLayerGzip.Replace("+", "\\u002B"), "application/vnd.example.layer.v1.tar+lz4");
            var bytes = Encoding.Latin1.GetBytes(changed);
            var digest = TestImageLayout.WriteBlob(layout, bytes);
            var old = Path.GetFileName(blob);
            File.WriteAllText(Path.Combine(layout, "index.json"), File.ReadAllText(Path.Combine(layout, "index.json"))
                .Replace(old, digest.Hex).Replace($"\"size\":{new FileInfo(blob).Length}", $"\"size\":{bytes.Length}"));
        }
        await AssertFailsWithoutOutput(ErrorCodes.UnknownMediaType, "oci:" + layout);
    }

    [Fact]
    public async Task A_path_traversal_name_inside_a_layer_is_CHB1109_naming_the_layer_and_entry()
    {
        var evil = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/../../etc/passwd", "root::0:0::/:/bin/sh\n")));
        var layout = Layout([evil]);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout, "oci:" + Output));
        Assert.Equal(ErrorCodes.PathTraversal, error.Code);
        Assert.Contains("etc/passwd", error.Entry);
        Assert.Equal(TestImageLayout.Gzip(evil) is var gz ? Digest.Sha256Of(gz).ToString() : null, error.Layer);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public async Task A_layer_the_format_cannot_represent_is_kept_with_a_warning_and_strict_makes_it_an_error()
    {
        var duplicate = DuplicatePathTar();
        var layout = Layout([TestImageLayout.SampleLayers(2)[0], duplicate]);
        var result = await ConvertAsync("oci:" + layout, "oci:" + Output);
        Assert.All(result.Variants, v => Assert.Equal((1, 1), (v.Converted, v.Kept)));
        Assert.Contains(result.Warnings, w => w.StartsWith(ErrorCodes.DuplicatePath, StringComparison.Ordinal) && w.Contains("a.txt"));
        var layers = ConvertedImageVerifier.Verify(Output, "1");
        Assert.Equal(["estargz", "plain", "zstd:chunked", "plain"], layers.Select(l => l.Kind));

        Directory.Delete(Output, recursive: true);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout, "oci:" + Output, new ConversionRequest { TempDirectory = Path.GetTempPath(), Strict = true }));
        Assert.Equal(ErrorCodes.DuplicatePath, error.Code);
        Assert.False(Directory.Exists(Output));
    }

    /// <summary>A tar naming one path twice (TarSpec refuses to, on purpose), which a lazy format cannot represent.</summary>
    private static byte[] DuplicatePathTar()
    {
        var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var text in new[] { "one", "two" })
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "a.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }
        return buffer.ToArray();
    }
}
