using System.Text;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

public class GoldenVectorTests
{
    private static byte[] WorkedExampleTar => File.ReadAllBytes(Path.Combine(RepoPaths.Vectors, "worked-example.tar"));
    private static byte[] WorkedExampleTarSplit => File.ReadAllBytes(Path.Combine(RepoPaths.Vectors, "worked-example.tar-split.jsonl"));

    [Fact]
    public void TarSplitOfWorkedExampleEqualsTheReferenceByteForByte()
    {
        var actual = TarTestKit.Split(WorkedExampleTar);
        Assert.Equal(Encoding.UTF8.GetString(WorkedExampleTarSplit), Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void ReferenceTarSplitReassemblesTheWorkedExample()
    {
        var tar = WorkedExampleTar;
        var read = TarTestKit.ReadAll(tar);
        var byName = read.Entries.ToDictionary(e => e.Info.Name, e => e.Payload);
        var lines = TarSplitReader.Read(new MemoryStream(WorkedExampleTarSplit)).ToList();
        var output = new MemoryStream();
        TarSplitAssembler.Assemble(lines, line => new MemoryStream(byName[line.Name!]), output);
        Assert.Equal(tar, output.ToArray());
    }

    [Fact]
    public void WorkedExampleEntriesAreParsed()
    {
        var read = TarTestKit.AssertRoundTrip(WorkedExampleTar);
        Assert.Equal(["usr/", "usr/hello.txt", "usr/link", "usr/hard", "usr/empty"], read.Entries.Select(e => e.Info.Name));
        var hello = read.Entries[1];
        Assert.Equal(6, hello.Info.Size);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(hello.Payload));
        Assert.NotEmpty(hello.Info.Xattrs);
        Assert.Equal(1536, hello.Raw.RawPrefix.Length);
        Assert.Equal(506, read.Entries[2].Raw.PrecedingPaddingLength);
        Assert.Equal(1024, read.EndOfArchive.Length);
        Assert.False(read.Synthesized);
    }
}
