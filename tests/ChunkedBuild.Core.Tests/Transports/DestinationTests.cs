using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Transports;

/// <summary>
/// Destinations keep what is already in them unless told otherwise: a layout gets only the tags written replaced (other tags, the source
/// image converted in place and every blob still referenced stay), an archive file is not overwritten, and tags are checked first.
/// </summary>
public sealed class DestinationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-destination-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Layout => Path.Combine(_root, "layout");

    private static async Task<ConversionResult> ConvertAsync(string source, string destination, bool replace = false, ConversionRequest? request = null)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag, replace, source);
        request ??= new ConversionRequest { TempDirectory = Path.GetTempPath() };
        if (tag is not null) request = request with { Tags = [tag] };
        return await new ImageConverter(request).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    private static string[] Tags(string layout) =>
        new OciLayoutReader(layout).Index.Value.Manifests.Select(m => m.Annotation(OciLayoutFiles.RefNameAnnotation)).OfType<string>().ToArray();

    private static HashSet<string> Blobs(string layout) => Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Select(Path.GetFileName).OfType<string>().ToHashSet();

    [Fact]
    public async Task Converting_in_place_to_another_tag_keeps_the_source_image()
    {
        var source = TestImageLayout.WriteLayout(Layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(41))], ["src"]);

        await ConvertAsync("oci:" + Layout + ":src", "oci:" + Layout + ":lazy");

        Assert.Equal(["src", "lazy"], Tags(Layout));
        Assert.Equal(source.Digest, new OciLayoutReader(Layout).Resolve("src").Digest);
        ConvertedImageVerifier.Verify(Layout, "src");
        ConvertedImageVerifier.Verify(Layout, "lazy");
        Assert.Equal([Layout], Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task An_archive_converted_in_place_to_another_tag_keeps_the_source_image()
    {
        var source = TestImageLayout.WriteLayout(Layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(49))], ["src"]);
        var archive = Path.Combine(_root, "app.tar");
        TestImageLayout.PackLayout(Layout, archive);

        await ConvertAsync("oci-archive:" + archive + ":src", "oci-archive:" + archive + ":lazy");

        Assert.Equal(["src", "lazy"], Tags(archive));
        Assert.Equal(source.Digest, new OciLayoutReader(archive).Resolve("src").Digest);
        ConvertedImageVerifier.Verify(archive, "src");
        ConvertedImageVerifier.Verify(archive, "lazy");
        Assert.Equal(["app.tar", "layout"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Writing_a_tag_again_replaces_that_tag_only_and_deletes_the_blobs_nothing_else_uses()
    {
        var a = Path.Combine(_root, "a");
        var b = Path.Combine(_root, "b");
        var shared = TestImageLayout.SampleLayers(42);
        TestImageLayout.WriteLayout(a, [new TestPlatformImage("linux", "amd64", shared)], ["1"]);
        TestImageLayout.WriteLayout(b, [new TestPlatformImage("linux", "amd64", [shared[0], TestImageLayout.SampleLayers(43)[1]])], ["1"]);
        await ConvertAsync("oci:" + a, "oci:" + Layout + ":x");
        await ConvertAsync("oci:" + a, "oci:" + Layout + ":keep");
        var firstX = Blobs(Layout);

        await ConvertAsync("oci:" + b, "oci:" + Layout + ":x");

        Assert.Equal(["x", "keep"], Tags(Layout));
        ConvertedImageVerifier.Verify(Layout, "x");
        ConvertedImageVerifier.Verify(Layout, "keep");
        // "keep" still names everything the first "x" had (same image): nothing it uses went, and only b's new blobs came.
        Assert.Subset(Blobs(Layout), firstX);

        await ConvertAsync("oci:" + b, "oci:" + Layout + ":keep");
        // Now nothing names a's own blobs: they are gone; the layout holds exactly what b's conversion alone holds.
        var fresh = Path.Combine(_root, "fresh");
        await ConvertAsync("oci:" + b, "oci:" + fresh + ":x");
        Assert.Equal(Blobs(fresh).Order(StringComparer.Ordinal), Blobs(Layout).Order(StringComparer.Ordinal));
        Assert.NotEmpty(firstX.Except(Blobs(Layout)));
        ConvertedImageVerifier.Verify(Layout, "x");
    }

    [Fact]
    public async Task A_destination_whose_index_json_is_a_symlink_to_dev_zero_is_CHB2008_at_once_and_left_as_it_was()
    {
        Directory.CreateDirectory(Layout);
        File.WriteAllText(Path.Combine(Layout, OciLayoutFiles.LayoutFile), OciLayoutFiles.LayoutContent);
        File.CreateSymbolicLink(Path.Combine(Layout, OciLayoutFiles.IndexFile), "/dev/zero");
        var source = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(46))], ["new"]);

        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + source, "oci:" + Layout));

        Assert.Equal(ErrorCodes.LayoutFileRefused, error.Code);
        Assert.Contains("'index.json' goes through a symbolic link that leads outside the folder (to '/dev/zero')", error.Message);
        Assert.Equal("/dev/zero", new FileInfo(Path.Combine(Layout, OciLayoutFiles.IndexFile)).LinkTarget);
    }

    [Fact]
    public async Task Replace_starts_the_layout_over()
    {
        TestImageLayout.WriteLayout(Layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(44))], ["old"]);
        var source = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(45))], ["new"]);

        await ConvertAsync("oci:" + source, "oci:" + Layout, replace: true);

        Assert.Equal(["new"], Tags(Layout));
        ConvertedImageVerifier.Verify(Layout, "new");
    }

    [Fact]
    public async Task An_existing_archive_is_refused_untouched_unless_replace_is_given()
    {
        var source = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(46))], ["1"]);
        var archive = Path.Combine(_root, "out.tar");
        File.WriteAllText(archive, "precious");

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + source, "oci-archive:" + archive));
        Assert.Equal(ErrorCodes.InvalidOption, e.Code);
        Assert.Contains(archive, e.Message, StringComparison.Ordinal);
        Assert.Contains("--replace", e.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(archive));
        Assert.Equal(["out.tar", "src"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        await ConvertAsync("oci:" + source, "oci-archive:" + archive, replace: true);
        ConvertedImageVerifier.Verify(archive, "1");
    }

    [Theory]
    [InlineData("../..")]
    [InlineData("a\nb")]
    [InlineData("-x")]
    [InlineData("a/b")]
    [InlineData("x\n")]
    public async Task A_tag_outside_the_oci_grammar_is_refused_before_any_work(string tag)
    {
        var source = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(47))], ["1"]);

        var fromLocation = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + source, "oci:" + Layout + ":" + tag));
        var fromRequest = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + source, "oci:" + Layout, request: new ConversionRequest { TempDirectory = Path.GetTempPath(), Tags = [tag] }));

        Assert.All(new[] { fromLocation, fromRequest }, e => Assert.Equal(ErrorCodes.InvalidOption, e.Code));
        Assert.DoesNotContain('\n', fromLocation.Message);
        Assert.False(Directory.Exists(Layout));
    }

    [Fact]
    public async Task An_empty_tag_is_refused()
    {
        var source = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(48))], ["1"]);
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + source, "oci:" + Layout + ":"));
        Assert.Equal(ErrorCodes.InvalidOption, e.Code);
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
        // A source tag that cannot be a destination tag is named, not written.
        var odd = Path.Combine(_root, "odd");
        TestImageLayout.WriteLayout(odd, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(48))], ["docker.io/library/app:1"]);
        var fromSource = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + odd, "oci:" + Layout));
        Assert.Contains("docker.io/library/app:1", fromSource.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Layout));
    }
}
