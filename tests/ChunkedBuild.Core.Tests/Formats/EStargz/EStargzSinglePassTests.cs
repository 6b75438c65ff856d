using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.EStargz;

/// <summary>
/// The eStargz validator's one-decompression pass (<see cref="EStargzSinglePass"/>) proves the writer's blobs with the stream the separate
/// checks read, and gives every damaged blob the verdict and failures the separate checks give.
/// </summary>
public class EStargzSinglePassTests
{
    private const long ChunkSize = 1 << 16;

    /// <summary>A layer with files of several chunks, zeros, small and empty files, links, PAX headers.</summary>
    private static byte[] LayerTar() => SinglePassLayer.Tar(seed: 13, dllHead: 200_000, dllTail: 100_000, zeros: 300_000, "small.bin", 5000);

    private static (byte[] Blob, LayerWriteResult Result) Convert(byte[] tar)
    {
        var output = new MemoryStream();
        var options = new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 2, ChunkSize = ChunkSize, PrioritizedFiles = ["app/small.bin"] };
        var result = LayerFormats.EStargz.WriteAsync(new MemoryStream(tar), output, options, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return (output.ToArray(), result);
    }

    [Fact]
    public void The_writers_blob_is_proven_by_one_pass_with_the_stream_the_separate_checks_read()
    {
        if (!LibDeflateInstalled()) Assert.Skip("libdeflate is not installed (the CI script installs libdeflate0)");
        var (blob, result) = Convert(LayerTar());
        var stream = new MemoryStream(blob);
        Assert.True(EStargzTocReader.TryReadFooter(stream, out var tocOffset, out _));
        Assert.True(EStargzTocReader.TryReadTocJson(stream, tocOffset, out var tocJson, out _));
        var toc = EStargzTocParser.Parse(tocJson);
        Assert.Contains(toc.Entries, e => e.Type == TocEntryTypes.Chunk); // files of several pieces are covered
        var failures = new List<string>();
        var files = EStargzTocRules.Check(toc.Entries, tocOffset, failures);
        Assert.Empty(failures);

        var proven = EStargzSinglePass.TryRun(stream, tocOffset, files, toc.Entries, Digest.Sha256Of(tocJson));

        Assert.NotNull(proven);
        Assert.Equal(result.DiffId, proven.DiffId);
        var separate = new EStargzValidator { SinglePass = false }.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = result.Annotations });
        Assert.True(separate.IsValid);
        Assert.Equal(separate.StreamEntries!.Select(Show), proven.Entries!.Select(Show));
        Assert.Equal(separate.DiffId, proven.DiffId);
    }

    [Fact]
    public void Every_damaged_blob_gets_the_verdict_and_failures_of_the_separate_checks()
    {
        var (blob, result) = Convert(LayerTar());
        var request = new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId };
        var onePass = new EStargzValidator();
        var separate = new EStargzValidator { SinglePass = false };
        var random = new Random(5);
        var invalid = 0;
        for (var i = 0; i < 120; i++)
        {
            var damaged = (byte[])blob.Clone();
            // Half of the flips land in the members of the tar stream, the rest anywhere (TOC and footer included).
            var at = i % 2 == 0 ? random.Next((int)(result.Size * 9 / 10)) : random.Next(damaged.Length);
            damaged[at] ^= (byte)(1 + random.Next(255));
            var fast = onePass.Validate(new MemoryStream(damaged), request);
            var slow = separate.Validate(new MemoryStream(damaged), request);
            Assert.Equal(slow.Failures, fast.Failures);
            Assert.Equal(slow.DiffId, fast.DiffId);
            if (!fast.IsValid) invalid++;
        }
        Assert.True(invalid > 100, $"only {invalid} of 120 damaged blobs were found invalid");
        var valid = onePass.Validate(new MemoryStream(blob), request);
        Assert.True(valid.IsValid);
        Assert.Equal(result.DiffId, valid.DiffId);
    }

    [Fact]
    public void A_blob_cut_inside_its_last_member_is_not_proven_by_the_pass()
    {
        if (!LibDeflateInstalled()) Assert.Skip("libdeflate is not installed (the CI script installs libdeflate0)");
        var (blob, result) = Convert(LayerTar());
        // Cut inside its last member (the footer): GZipStream reads that as a normal end, the member decoder as a member cut short.
        var stream = new MemoryStream(blob);
        Assert.True(EStargzTocReader.TryReadFooter(stream, out var tocOffset, out _));
        Assert.True(EStargzTocReader.TryReadTocJson(stream, tocOffset, out var tocJson, out _));
        var toc = EStargzTocParser.Parse(tocJson);
        var files = EStargzTocRules.Check(toc.Entries, tocOffset, []);
        var cut = new MemoryStream(blob.AsSpan(0, blob.Length - 20).ToArray());

        Assert.Null(EStargzSinglePass.TryRun(cut, tocOffset, files, toc.Entries, Digest.Sha256Of(tocJson)));
        Assert.False(new EStargzValidator().Validate(new MemoryStream(blob.AsSpan(0, blob.Length - 20).ToArray()), new LayerValidationRequest { Annotations = result.Annotations }).IsValid);
    }

    private static bool LibDeflateInstalled()
    {
        using var members = LibDeflateGzipMembers.TryCreate();
        return members is not null;
    }

    private static string Show(TarEntryDigest e) => $"{e.Info.Name}|{e.Info.TypeFlag}|{e.Info.Size}|{e.HeaderDigest}|{e.PayloadDigest}";
}
