using System.IO.Compression;
using System.Text;
using Xunit;
using ChunkedBuild.Core.Prioritization.Dotnet;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// <see cref="SingleFileBundle"/> on bundles written here with <see cref="BinaryWriter"/> (whose length-prefixed strings are the bundle's):
/// format versions 1, 2 and 6, compressed entries, long paths and garbage. Real bundles: <see cref="SingleFileAppTests"/>.
/// </summary>
public class SingleFileBundleTests
{
    /// <summary>The bundle signature (SHA-256 of ".net core bundle").</summary>
    internal static readonly byte[] Signature = Convert.FromHexString("8b1202b96a612038727b930214d7a03213f5b9e6efae3318ee3b2dce24b36aae");

    private static readonly byte[] AppDll = Encoding.ASCII.GetBytes(new string('M', 3000)); // compresses well
    private static readonly byte[] Config = """{"runtimeOptions":{"tfm":"net10.0"}}"""u8.ToArray();

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(6u)]
    public void Each_format_version_is_read(uint major)
    {
        var bundle = Assert.IsType<SingleFileBundle>(SingleFileBundle.TryRead(Bundle(major, compress: false)));
        Assert.Equal(major, bundle.MajorVersion);
        Assert.Equal("bundle-id-12", bundle.BundleId);
        Assert.Equal(["App.dll", "App.runtimeconfig.json", "sub/dir/" + new string('x', 200) + ".dat"], bundle.Entries.Select(e => e.RelativePath));
        Assert.Equal(AppDll, bundle.Read(bundle.EntryAssembly("whatever")!, 1 << 20));
        Assert.Equal(Config, bundle.Read(bundle.RuntimeConfig!, 1 << 20));
        Assert.Null(bundle.Deps);
        Assert.Null(bundle.Read(bundle.Entries[0], 100)); // larger than the limit
    }

    [Fact]
    public void Compressed_entries_are_inflated()
    {
        var bundle = Assert.IsType<SingleFileBundle>(SingleFileBundle.TryRead(Bundle(6, compress: true)));
        var dll = bundle.Find("App.dll")!;
        Assert.InRange(dll.CompressedSize, 1, AppDll.Length / 2);
        Assert.Equal(AppDll.Length, dll.Size);
        Assert.Equal(AppDll, bundle.Read(dll, 1 << 20));
    }

    [Fact]
    public void Compressed_bytes_that_do_not_inflate_to_the_size_read_as_nothing()
    {
        var bytes = Bundle(6, compress: true);
        var bundle = SingleFileBundle.TryRead(bytes)!;
        var dll = bundle.Find("App.dll")!;
        bytes.AsSpan((int)dll.Offset, (int)dll.CompressedSize).Fill(0xff);
        Assert.Null(SingleFileBundle.TryRead(bytes)!.Read(dll, 1 << 20));
    }

    [Fact]
    public void Garbage_is_not_a_bundle()
    {
        var random = new Random(7);
        var noise = new byte[100_000];
        random.NextBytes(noise);
        Assert.Null(SingleFileBundle.TryRead(noise));
        Assert.Null(SingleFileBundle.TryRead([]));
        Assert.Null(SingleFileBundle.TryRead(Signature)); // no room for the offset
        var good = Bundle(6, compress: false);
        for (var cut = 1; cut < 200; cut += 7) Assert.Null(SingleFileBundle.TryRead(good[..^cut]));
        for (var i = 0; i < 200; i++)
        {
            // random header bytes after the offset never throw
            var copy = (byte[])good.Clone();
            random.NextBytes(copy.AsSpan(HeaderOffset(copy), 64));
            _ = SingleFileBundle.TryRead(copy);
        }
    }

    private static int HeaderOffset(byte[] bundle) => (int)BitConverter.ToInt64(bundle, bundle.AsSpan().IndexOf(Signature) - 8);

    /// <summary>
    /// A bundle as the bundler lays it out: a "host" carrying the offset and the signature, the files, then the header and manifest;
    /// for version 6 with <paramref name="compress"/> the assembly is deflated.
    /// </summary>
    private static byte[] Bundle(uint major, bool compress)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write("\u007fELF host"u8);
        var offsetAt = stream.Position;
        writer.Write(0L);
        writer.Write(Signature);
        writer.Write(new byte[100]);
        var files = new List<(string Path, long Offset, long Size, long Compressed, byte Type)>();
        foreach (var (path, content, type) in new[] { ("App.dll", AppDll, (byte)1), ("App.runtimeconfig.json", Config, (byte)4), ("sub\\dir\\" + new string('x', 200) + ".dat", [1, 2, 3], 0) })
        {
            var start = stream.Position;
            if (compress && type == 1)
            {
                using (var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(content);
                files.Add((path, start, content.Length, stream.Position - start, type));
                continue;
            }
            writer.Write(content);
            files.Add((path, start, content.Length, 0, type));
        }
        var header = stream.Position;
        writer.Write(major);
        writer.Write(0u);
        writer.Write(files.Count);
        writer.Write("bundle-id-12");
        if (major >= 2)
        {
            writer.Write(0L); // no deps.json
            writer.Write(0L);
            writer.Write(files[1].Offset);
            writer.Write(files[1].Size);
            writer.Write(0UL);
        }
        foreach (var file in files)
        {
            writer.Write(file.Offset);
            writer.Write(file.Size);
            if (major >= 6) writer.Write(file.Compressed);
            writer.Write(file.Type);
            writer.Write(file.Path);
        }
        writer.Flush();
        stream.Position = offsetAt;
        writer.Write(header);
        writer.Flush();
        return stream.ToArray();
    }
}
