using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using Xunit;

namespace ChunkedBuild.Core.Tests.Transports.Layout;

public sealed class OciLayoutTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chb-layout-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Target => Path.Combine(_dir.FullName, "layout");

    /// <summary>Writes a one-image layout: a layer, a config and a manifest, tagged <paramref name="tag"/>.</summary>
    private (Digest Manifest, Digest Layer) WriteImage(string tag, byte[] layer, bool replace = false)
    {
        using var writer = new OciLayoutWriter(Target, replace);
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
        writer.Commit(TestContext.Current.CancellationToken);
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
    public void Commit_adds_to_an_earlier_layout_and_leaves_no_staging_folder()
    {
        var (old, oldLayer) = WriteImage("old", [1, 2, 3]);
        var (manifest, _) = WriteImage("new", [4, 5, 6]);
        var reader = new OciLayoutReader(Target);
        Assert.Equal(manifest, reader.Resolve("new").Digest);
        Assert.Equal(old, reader.Resolve("old").Digest);
        Assert.Equal([1, 2, 3], reader.ReadBlob(oldLayer));
        Assert.Equal(["layout"], _dir.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void Commit_with_replace_replaces_an_earlier_layout()
    {
        WriteImage("old", [1, 2, 3]);
        var (manifest, _) = WriteImage("new", [4, 5, 6], replace: true);
        var reader = new OciLayoutReader(Target);
        Assert.Equal(manifest, reader.Resolve(null).Digest);
        Assert.Equal(["layout"], _dir.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void A_tag_written_again_is_replaced_and_the_blobs_only_it_used_are_deleted()
    {
        var (_, first) = WriteImage("t", [1, 2, 3]);
        var (manifest, second) = WriteImage("t", [4, 5, 6]);
        var reader = new OciLayoutReader(Target);
        Assert.Equal(manifest, Assert.Single(reader.Index.Value.Manifests).Digest);
        Assert.False(reader.Contains(first));
        Assert.True(reader.Contains(second));
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

public sealed class OciArchiveTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chb-archive-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_layout_tar_with_duplicate_entries_reads_like_the_folder()
    {
        var folder = Path.Combine(_dir.FullName, "layout");
        Digest layer;
        using (var writer = new OciLayoutWriter(folder))
        {
            layer = writer.WriteBlob("layer"u8);
            var manifest = OciDocument<Manifest>.Create(new Manifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = layer, Size = 5 },
                Layers = [new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = layer, Size = 5 }],
            });
            writer.WriteBlob(manifest.Raw.Span);
            writer.AddToIndex(manifest.Describe(MediaTypes.OciManifest), "latest");
            writer.Commit(TestContext.Current.CancellationToken);
        }
        // Like the SDK: no directory entries, "./"-less names, a shared blob written twice.
        var archive = Path.Combine(_dir.FullName, "image.tar.gz");
        using (var tar = new System.Formats.Tar.TarWriter(File.Create(archive), System.Formats.Tar.TarEntryFormat.Pax))
        {
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                tar.WriteEntry(file, Path.GetRelativePath(folder, file).Replace('\\', '/'));
            tar.WriteEntry(Path.Combine(folder, OciLayoutFiles.BlobPath(layer)), OciLayoutFiles.BlobPath(layer));
        }
        var reader = new OciLayoutReader(archive);
        var entry = reader.Resolve("latest");
        var manifestBack = reader.ReadDocument<Manifest>(entry).Value;
        Assert.Equal("layer"u8.ToArray(), reader.ReadBlob(Assert.Single(manifestBack.Layers).Digest));
        Assert.Equal(new OciLayoutReader(folder).Index.Digest, reader.Index.Digest);
    }

    [Fact]
    public void Truncated_or_foreign_archives_are_coded_errors()
    {
        var path = Path.Combine(_dir.FullName, "bad.tar");
        using (var tar = new System.Formats.Tar.TarWriter(File.Create(path), System.Formats.Tar.TarEntryFormat.Pax))
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "index.json") { DataStream = new MemoryStream(new byte[4000]) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..2000]);
        Assert.Equal(ErrorCodes.NotAnImage, Assert.Throws<ChunkedBuildException>(() => new OciLayoutReader(path)).Code);
        File.WriteAllBytes(path, "not a tar at all"u8.ToArray());
        Assert.Equal(ErrorCodes.NotAnImage, Assert.Throws<ChunkedBuildException>(() => new OciLayoutReader(path)).Code);
    }
}
