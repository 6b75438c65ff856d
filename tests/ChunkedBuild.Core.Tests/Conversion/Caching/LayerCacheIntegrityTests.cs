using System.Security.Cryptography;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Caching;

/// <summary>
/// The converted-layer cache is checked on every use, and outputs never share bytes with it: an entry edited in place (same size, old mtime
/// put back) is caught and converted again; editing an output blob changes neither the cache nor layouts written earlier.
/// </summary>
public sealed class LayerCacheIntegrityTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-cache-integrity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Cache => Path.Combine(_root, "cache");

    private string Source()
    {
        var folder = Path.Combine(_root, "src");
        if (!Directory.Exists(folder)) TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(21))], ["1.0"]);
        return "oci:" + folder;
    }

    private async Task<ConversionResult> ConvertAsync(string output)
    {
        var transports = new ImageTransports(null, null);
        await using var source = transports.OpenSource(Source());
        await using var sink = transports.OpenSink("oci:" + Path.Combine(_root, output), out _);
        return await new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Cache }).ConvertAsync(source, sink, TestContext.Current.CancellationToken);
    }

    private string[] CacheBlobs() => Directory.GetFiles(Path.Combine(Cache, "layers", "v1"), "*.blob").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Overwrites one byte in the middle of <paramref name="path"/> in place, then puts its old modification time back.</summary>
    private static void EditInPlace(string path)
    {
        var mtime = File.GetLastWriteTimeUtc(path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var b = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)(b ^ 0x5A));
        }
        File.SetLastWriteTimeUtc(path, mtime);
    }

    [Fact]
    public async Task An_in_place_edited_cache_blob_is_detected_and_converted_again()
    {
        var cold = await ConvertAsync("cold");
        Assert.All(cold.Variants, v => Assert.Equal(2, v.Converted));
        var damaged = CacheBlobs()[0];
        var size = new FileInfo(damaged).Length;
        EditInPlace(damaged);
        Assert.Equal(size, new FileInfo(damaged).Length);

        var warm = await ConvertAsync("warm");

        // Exactly the damaged layer is converted again (with a CHB2004 warning naming the entry), the other three come from the cache.
        Assert.Equal(1, warm.Variants.Sum(v => v.Converted));
        Assert.Equal(3, warm.Variants.Sum(v => v.Reused));
        Assert.Contains(warm.Warnings, w => w.StartsWith(ErrorCodes.DigestMismatch, StringComparison.Ordinal) && w.Contains(Path.GetFileNameWithoutExtension(damaged), StringComparison.Ordinal));
        Assert.Equal(cold.Tags[0].Descriptor.Digest, warm.Tags[0].Descriptor.Digest);
        ConvertedImageVerifier.Verify(Path.Combine(_root, "warm"), "1.0");
        // The entry was repaired: every cached blob hashes to its name's record again.
        foreach (var blob in CacheBlobs())
        {
            var record = OciJson.Parse<LayerCacheRecord>(File.ReadAllBytes(Path.ChangeExtension(blob, ".json")), CachingJson.Options);
            Assert.Equal(record.Descriptor!.Digest, Digest.FromSha256Bytes(SHA256.HashData(File.ReadAllBytes(blob))));
        }
    }

    [Fact]
    public async Task A_truncated_or_missing_cache_blob_is_converted_again()
    {
        await ConvertAsync("cold");
        var blobs = CacheBlobs();
        using (var file = new FileStream(blobs[0], FileMode.Open, FileAccess.Write)) file.SetLength(file.Length - 1);
        File.Delete(blobs[1]);

        var warm = await ConvertAsync("warm");

        Assert.Equal(2, warm.Variants.Sum(v => v.Converted));
        ConvertedImageVerifier.Verify(Path.Combine(_root, "warm"), "1.0");
    }

    [Fact]
    public async Task A_cache_entry_copied_elsewhere_is_checked_once_and_reused()
    {
        await ConvertAsync("cold");
        // A copy (new inode and ctime, e.g. a CI cache restored) no longer matches the recorded fingerprint: the content decides.
        foreach (var blob in CacheBlobs())
        {
            File.Copy(blob, blob + ".copy");
            File.Move(blob + ".copy", blob, overwrite: true);
        }

        var warm = await ConvertAsync("warm");

        Assert.All(warm.Variants, v => Assert.Equal((0, 2), (v.Converted, v.Reused)));
        Assert.Empty(warm.Warnings);
        ConvertedImageVerifier.Verify(Path.Combine(_root, "warm"), "1.0");
    }

    [Fact]
    public async Task Editing_an_output_blob_reaches_neither_the_cache_nor_layouts_written_earlier()
    {
        await ConvertAsync("first");
        await ConvertAsync("second");
        var second = new OciLayoutReader(Path.Combine(_root, "second"));
        var layer = ConvertedImageVerifier.Manifests(second, second.Resolve("1.0"))
            .SelectMany(m => second.ReadDocument<Manifest>(m).Value.Layers).First();
        EditInPlace(Path.Combine(_root, "second", OciLayoutFiles.BlobPath(layer.Digest)));

        ConvertedImageVerifier.Verify(Path.Combine(_root, "first"), "1.0");
        var third = await ConvertAsync("third");
        Assert.All(third.Variants, v => Assert.Equal((0, 2), (v.Converted, v.Reused)));
        Assert.Empty(third.Warnings);
        ConvertedImageVerifier.Verify(Path.Combine(_root, "third"), "1.0");
        Assert.All(CacheBlobs(), blob => Assert.Equal(1, LinkCount(blob)));
    }

    /// <summary>The number of hard links of a file (1: no output shares its inode).</summary>
    private static long LinkCount(string path)
    {
        var stat = Testing.ProcessRunner.Run("stat", ["-c", "%h", path]);
        return long.Parse(stat.StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
