using System.Formats.Tar;
using System.IO.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using Xunit;

namespace ChunkedBuild.Core.Tests.Robustness;

/// <summary>
/// Truncated, bit-flipped and absurd inputs through every writer and the file converter: each run either succeeds with
/// an output the validator accepts, or fails with a coded <see cref="ChunkedBuildException"/> — never another exception,
/// never a hang, and never a file left at the output path.
/// </summary>
public class MutatedInputTests
{
    public static TheoryData<string> Formats() => new(LayerFormats.Names);

    private static byte[] SampleTar()
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "dir/"));
            var random = new Random(7);
            var data = new byte[70_000];
            random.NextBytes(data);
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/data.bin") { DataStream = new MemoryStream(data) });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "dir/link") { LinkName = "data.bin" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/a-name-that-is-rather-long-" + new string('x', 120)) { DataStream = new MemoryStream("abc"u8.ToArray()) });
        }
        return ms.ToArray();
    }

    private static void ConvertOrCodedError(byte[] input, string format, int seed)
    {
        var dir = Directory.CreateTempSubdirectory("chb-mut-");
        try
        {
            var inPath = Path.Combine(dir.FullName, "in.layer");
            var outPath = Path.Combine(dir.FullName, "out.blob");
            File.WriteAllBytes(inPath, input);
            var task = LayerFileConverter.ConvertAsync(inPath, outPath, LayerFormats.Get(format), new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 2 });
            Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), $"seed {seed}: conversion hung");
            if (task.IsFaulted)
            {
                var e = task.Exception!.GetBaseException();
                var coded = Assert.IsType<ChunkedBuildException>(e, exactMatch: false);
                Assert.Matches("^CHB[0-9]{4}$", coded.Code);
                Assert.False(File.Exists(outPath), $"seed {seed}: output left behind after {coded.Code}");
            }
            else
            {
                using var blob = File.OpenRead(outPath);
                var verdict = LayerFormats.Get(format).Validator.Validate(blob, new LayerValidationRequest { Annotations = task.Result.Annotations, DiffId = task.Result.DiffId });
                Assert.True(verdict.IsValid, $"seed {seed}: " + string.Join("\n", verdict.Failures));
            }
            Assert.Equal(Directory.GetFiles(dir.FullName).Length, File.Exists(outPath) ? 2 : 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Truncated_tars_give_coded_errors(string format)
    {
        var tar = SampleTar();
        foreach (var cut in new[] { 1, 100, 511, 512, 700, 1024, 1536, 5000, 40_000, tar.Length - 1100, tar.Length - 600, tar.Length - 1 })
            ConvertOrCodedError(tar[..cut], format, cut);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Flipped_bytes_give_coded_errors_or_valid_output(string format)
    {
        var tar = SampleTar();
        var random = new Random(1234);
        for (var i = 0; i < 25; i++)
        {
            var copy = (byte[])tar.Clone();
            var at = i < 10 ? random.Next(0, 2048) : random.Next(copy.Length); // headers are where flips matter most
            copy[at] ^= (byte)(1 << random.Next(8));
            ConvertOrCodedError(copy, format, i);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Absurd_sizes_give_coded_errors(string format)
    {
        var tar = SampleTar();
        var copy = (byte[])tar.Clone();
        // The first header of the file entry: find "dir/data.bin" ustar header and write a huge octal size.
        var at = FindHeader(copy, "dir/data.bin");
        "77777777777"u8.CopyTo(copy.AsSpan(at + 124));
        FixChecksum(copy, at);
        ConvertOrCodedError(copy, format, 1);
        copy = (byte[])tar.Clone();
        copy[at + 124] = 0x80; // base-256 marker followed by zeros and ones: an enormous size
        copy.AsSpan(at + 125, 11).Fill(0xFF);
        FixChecksum(copy, at);
        ConvertOrCodedError(copy, format, 2);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Corrupt_compressed_inputs_give_coded_errors(string format)
    {
        var tar = SampleTar();
        var gz = new MemoryStream();
        using (var g = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) g.Write(tar);
        var gzip = gz.ToArray();
        ConvertOrCodedError(gzip[..(gzip.Length / 2)], format, 1);
        var flipped = (byte[])gzip.Clone();
        flipped[gzip.Length / 2] ^= 0xFF;
        ConvertOrCodedError(flipped, format, 2);
        var zstd = ZstdSharp.Compressor.DefaultCompressionLevel > 0 ? new ZstdSharp.Compressor(3).Wrap(tar).ToArray() : [];
        ConvertOrCodedError(zstd[..(zstd.Length / 2)], format, 3);
        ConvertOrCodedError("definitely not a layer"u8.ToArray(), format, 4);
    }

    private static int FindHeader(byte[] tar, string name)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(name);
        for (var at = 0; at + 512 <= tar.Length; at += 512)
        {
            if (tar.AsSpan(at, bytes.Length).SequenceEqual(bytes) && tar[at + 156] == (byte)'0') return at;
        }
        throw new InvalidOperationException(name + " not found");
    }

    private static void FixChecksum(byte[] tar, int at)
    {
        tar.AsSpan(at + 148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in tar.AsSpan(at, 512)) sum += b;
        System.Text.Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, at + 148);
    }
}
