using System.IO.Compression;
using System.Text;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>A small image built in the test: gzip layers of seeded random bytes, a valid config, an OCI manifest, written as an OCI layout.</summary>
public sealed class TestImage
{
    private TestImage(string layoutPath, Descriptor root, Descriptor config, IReadOnlyList<Descriptor> layers, Dictionary<Digest, byte[]> blobs)
    {
        LayoutPath = layoutPath;
        Root = root;
        Config = config;
        Layers = layers;
        Blobs = blobs;
    }

    /// <summary>The layout folder.</summary>
    public string LayoutPath { get; }

    /// <summary>The manifest.</summary>
    public Descriptor Root { get; }

    /// <summary>The config blob.</summary>
    public Descriptor Config { get; }

    /// <summary>The layer blobs.</summary>
    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>Every blob (config and layers) by digest.</summary>
    public IReadOnlyDictionary<Digest, byte[]> Blobs { get; }

    /// <summary>Config and layers.</summary>
    public IEnumerable<Descriptor> BlobDescriptors => Layers.Prepend(Config);

    /// <summary>Opens the layout.</summary>
    public OciLayoutReader Open() => new(LayoutPath);

    /// <summary>Builds an image with layers of the given uncompressed sizes, tagged <paramref name="tag"/> in the layout.</summary>
    public static TestImage Create(string folder, int seed, string tag, params int[] layerSizes)
    {
        var random = new Random(seed);
        var blobs = new Dictionary<Digest, byte[]>();
        var layers = new List<Descriptor>();
        var diffIds = new List<string>();
        foreach (var size in layerSizes)
        {
            var plain = new byte[size];
            random.NextBytes(plain);
            // Half the bytes repeat so gzip has something to do, and the blob is not just noise.
            for (var i = 0; i < size / 2; i++) plain[i] = (byte)(i % 7);
            var compressed = Gzip(plain);
            var d = Digest.Sha256Of(compressed);
            blobs[d] = compressed;
            layers.Add(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = d, Size = compressed.Length });
            diffIds.Add(Digest.Sha256Of(plain).ToString());
        }
        var diffIdList = string.Join(",", diffIds.Select(x => $"\"{x}\""));
        var configJson = Encoding.UTF8.GetBytes(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"SEED=" + seed + "\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIdList + "]}}");
        var config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256Of(configJson), Size = configJson.Length };
        blobs[config.Digest] = configJson;
        var manifest = OciDocument<Manifest>.Create(new Manifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = layers });
        var root = manifest.Describe(MediaTypes.OciManifest);

        var path = Path.Combine(folder, $"layout-{seed}");
        using (var writer = new OciLayoutWriter(path))
        {
            foreach (var blob in blobs.Values) writer.WriteBlob(blob);
            writer.WriteBlob(manifest.Raw.Span);
            writer.AddToIndex(root, tag);
            writer.Commit(Xunit.TestContext.Current.CancellationToken);
        }
        return new TestImage(path, root, config, layers, blobs);
    }

    private static byte[] Gzip(byte[] plain)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(plain);
        return buffer.ToArray();
    }
}
