using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Layout;
using Xunit;

namespace ChunkedBuild.Core.Tests.Oci;

public sealed class OciLayoutTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chb-layout-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Target => Path.Combine(_dir.FullName, "layout");

    /// <summary>Writes a one-image layout: a layer, a config and a manifest, tagged <paramref name="tag"/>.</summary>
    private (Digest Manifest, Digest Layer) WriteImage(string tag, byte[] layer)
    {
        using var writer = new OciLayoutWriter(Target);
        var layerDigest = writer.WriteBlob(layer);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}");
        var configDigest = writer.WriteBlob(config);
        var manifest = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = config.Length },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = layerDigest, Size = layer.Length }],
        });
        writer.WriteBlob(manifest.Raw.Span);
        writer.AddToIndex(manifest.Describe(MediaTypes.OciManifest), tag);
        writer.Commit();
        return (manifest.Digest, layerDigest);
    }

    [Fact]
    public void A_written_layout_reads_back_by_reference()
    {
        var (manifestDigest, layerDigest) = WriteImage("1.0", "layer bytes"u8.ToArray());
        Assert.Equal(OciLayoutFiles.LayoutContent, File.ReadAllText(Path.Combine(Target, "oci-layout")));
        var reader = new OciLayoutReader(Target);
        var entry = reader.Resolve("1.0");
        Assert.Equal(manifestDigest, entry.Digest);
        Assert.Equal(entry, reader.Resolve(null));
        var manifest = reader.ReadDocument<Manifest>(entry).Value;
        Assert.Equal(layerDigest, Assert.Single(manifest.Layers).Digest);
        Assert.Equal("layer bytes"u8.ToArray(), reader.ReadBlob(layerDigest));
        var config = ImageConfig.Parse(reader.ReadBlob(manifest.Config.Digest));
        Assert.Equal(layerDigest, Assert.Single(config.DiffIds));
        Assert.Equal(ErrorCodes.ReferenceNotFound, Assert.Throws<ChunkedBuildException>(() => reader.Resolve("2.0")).Code);
    }

    [Fact]
    public void Commit_replaces_an_earlier_layout_and_leaves_no_staging_folder()
    {
        WriteImage("old", [1, 2, 3]);
        var (manifest, _) = WriteImage("new", [4, 5, 6]);
        Assert.Equal(manifest, new OciLayoutReader(Target).Resolve("new").Digest);
        Assert.Equal(["layout"], _dir.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void An_uncommitted_layout_leaves_nothing_behind()
    {
        using (var writer = new OciLayoutWriter(Target)) writer.WriteBlob("partial"u8);
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public void Wrong_content_and_missing_blobs_are_coded_errors()
    {
        using (var writer = new OciLayoutWriter(Target))
        {
            var e = Assert.Throws<ChunkedBuildException>(() => writer.WriteBlob(Digest.EmptySha256, new MemoryStream([1])));
            Assert.Equal(ErrorCodes.DigestMismatch, e.Code);
        }
        var (_, layer) = WriteImage("t", [9, 9, 9]);
        File.WriteAllBytes(Path.Combine(Target, OciLayoutFiles.BlobPath(layer)), [8, 8, 8]);
        var reader = new OciLayoutReader(Target);
        Assert.Equal(ErrorCodes.DigestMismatch, Assert.Throws<ChunkedBuildException>(() => reader.ReadBlob(layer)).Code);
        Assert.Equal(ErrorCodes.BlobMissing, Assert.Throws<ChunkedBuildException>(() => reader.ReadBlob(Digest.EmptySha256)).Code);
        Assert.Equal(ErrorCodes.NotAnImage, Assert.Throws<ChunkedBuildException>(() => new OciLayoutReader(_dir.FullName)).Code);
    }
}
