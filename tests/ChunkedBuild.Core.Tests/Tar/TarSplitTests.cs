using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>The tar-split JSON lines: exact writer bytes, reader strictness, reassembly checks, header iteration.</summary>
public class TarSplitTests
{
    private static TarEntryInfo Info(string name, long size = 0) =>
        new() { Name = name, NameBytes = Encoding.UTF8.GetBytes(name), NameIsUtf8 = true, TypeFlag = TarTypeFlag.Regular, Size = size };

    private static string Write(Action<TarSplitWriter> write)
    {
        var output = new MemoryStream();
        var writer = new TarSplitWriter(output);
        write(writer);
        Assert.Equal(output.Length, writer.BytesWritten);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void WriterProducesGoEncoderBytes()
    {
        var text = Write(w =>
        {
            w.AddSegment("abc"u8);
            w.AddFile(Info("a<b>&\"c\\\u2028\u0001é"), null);
            w.AddFile(Info("", 0), null);
            w.AddFile(Info("f", 6), Crc64Iso.Compute("hello\n"u8));
            w.AddFile([0xFF, (byte)'x'], 0, null);
        });
        Assert.Equal(
            "{\"type\":2,\"payload\":\"YWJj\",\"position\":0}\n" +
            "{\"type\":1,\"name\":\"a\\u003cb\\u003e\\u0026\\\"c\\\\\\u2028\\u0001é\",\"payload\":null,\"position\":1}\n" +
            "{\"type\":1,\"payload\":null,\"position\":2}\n" +
            "{\"type\":1,\"name\":\"f\",\"size\":6,\"payload\":\"YUw+7uLYEAA=\",\"position\":3}\n" +
            "{\"type\":1,\"name_raw\":\"/3g=\",\"payload\":null,\"position\":4}\n", text);
    }

    [Fact]
    public void WriterRefusesDuplicatePathsAfterCleaning()
    {
        var e = Assert.Throws<ChunkedBuildException>(() => Write(w =>
        {
            w.AddFile(Info("./a/b/"), null);
            w.AddFile(Info("a//b"), null);
        }));
        Assert.Equal(ErrorCodes.DuplicatePath, e.Code);
    }

    [Fact]
    public void ReaderParsesWhatTheWriterWrites()
    {
        var text = Write(w =>
        {
            w.AddSegment(new byte[] { 0, 1, 2 });
            w.AddFile(Info("f", 6), Crc64Iso.Compute("hello\n"u8));
            w.AddFile([0xFF], 0, null);
        });
        var lines = TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToList();
        Assert.Equal(new TarSplitEntry(2, null, null, 0, null, 0) with { Payload = lines[0].Payload }, lines[0]);
        Assert.Equal(new byte[] { 0, 1, 2 }, lines[0].Payload);
        Assert.Equal(("f", 6L, 1L), (lines[1].Name, lines[1].Size, lines[1].Position));
        Assert.Equal(Crc64Iso.ToBigEndianBytes(Crc64Iso.Compute("hello\n"u8)), lines[1].Payload);
        Assert.Equal(new byte[] { 0xFF }, lines[2].NameRaw);
        Assert.Null(lines[2].Payload);
    }

    [Fact]
    public void ReaderIsLenientLikeGoWhereGoIs()
    {
        const string text = "\n{\"Type\":1,\"NAME\":\"a\",\"unknown\":[1,{\"x\":2}],\"payload\":null,\"position\":null}\r\n  \n{\"type\":2,\"payload\":\"\\u0041QI=\"}";
        var lines = TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("a", lines[0].Name);
        Assert.Equal(new byte[] { 1, 2 }, lines[1].Payload);
    }

    [Theory]
    [InlineData("{\"type\":3,\"position\":0}")]
    [InlineData("{\"position\":0}")]
    [InlineData("{\"type\":\"1\"}")]
    [InlineData("{\"type\":1.5}")]
    [InlineData("{\"type\":2,\"payload\":\"not base64!\"}")]
    [InlineData("{\"type\":2,\"payload\":\"QQ\"}")]
    [InlineData("{\"type\":1,\"size\":\"5\"}")]
    [InlineData("{\"type\":2")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":2} trailing")]
    [InlineData("{\"type\":1,\"name\":\"a\"}\n{\"type\":1,\"name\":\"./a/\"}")]
    [InlineData("{\"type\":1,\"name\":\"a\"}\n{\"type\":1,\"name_raw\":\"YQ==\"}")]
    public void ReaderRefusesMalformedLines(string text)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToList());
        Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
    }

    [Fact]
    public void ReaderRefusesInvalidUtf8()
    {
        byte[] text = [.. "{\"type\":1,\"name\":\""u8, 0xFF, .. "\"}"u8];
        var e = Assert.Throws<ChunkedBuildException>(() => TarSplitReader.Read(new MemoryStream(text)).ToList());
        Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
    }

    [Fact]
    public void AssemblerChecksCrcAndLength()
    {
        var lines = TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Write(w =>
        {
            w.AddSegment("head"u8);
            w.AddFile(Info("f", 6), Crc64Iso.Compute("hello\n"u8));
        })))).ToList();
        var output = new MemoryStream();
        TarSplitAssembler.Assemble(lines, _ => new MemoryStream("hello\n"u8.ToArray()), output);
        Assert.Equal("headhello\n"u8.ToArray(), output.ToArray());
        TarTestKit.AssertCode(ErrorCodes.ValidationFailed, () => TarSplitAssembler.Assemble(lines, _ => new MemoryStream("hellO\n"u8.ToArray()), new MemoryStream()));
        TarTestKit.AssertCode(ErrorCodes.ValidationFailed, () => TarSplitAssembler.Assemble(lines, _ => new MemoryStream("hello"u8.ToArray()), new MemoryStream()));
        TarTestKit.AssertCode(ErrorCodes.ValidationFailed, () => TarSplitAssembler.Assemble(lines, _ => new MemoryStream("hello\n!"u8.ToArray()), new MemoryStream()));
    }

    [Fact]
    public void IterateRefusesOtherGroupings()
    {
        var h1 = RawTarBuilder.Header("a", TarTypeFlag.Regular, 3);
        var h2 = RawTarBuilder.Header("b", TarTypeFlag.Regular, 0);
        var crc = Crc64Iso.Compute("abc"u8);
        var file = Info("a", 3);

        // The reference grouping works.
        Assert.Single(Iterate(w => { w.AddSegment(h1); w.AddFile(file, crc); }));
        Assert.Equal(2, Iterate(w =>
        {
            w.AddSegment(h1); w.AddFile(file, crc);
            w.AddSegment([.. new byte[509], .. h2]); w.AddFile(Info("b"), null);
            w.AddSegment(new byte[1024]);
        }).Count);

        // Two headers in one segment.
        AssertInvalid(w => { w.AddSegment([.. h2, .. h1]); w.AddFile(Info("b"), null); });
        // A file line without a header segment.
        AssertInvalid(w => w.AddFile(Info("b"), null));
        // A header segment without its file line.
        AssertInvalid(w => { w.AddSegment(h2); w.AddSegment(h1); w.AddFile(file, crc); });
        AssertInvalid(w => w.AddSegment(h2));
        // The next segment is shorter than the previous file's padding.
        AssertInvalid(w => { w.AddSegment(h1); w.AddFile(file, crc); w.AddSegment(new byte[100]); });
        // The file line names another entry.
        AssertInvalid(w => { w.AddSegment(h2); w.AddFile(Info("c"), null); });
        // Not a header.
        AssertInvalid(w => { w.AddSegment(new byte[512].Select(_ => (byte)'x').ToArray()); w.AddFile(Info("x"), null); });
    }

    private static List<(TarSplitEntry File, TarEntryInfo Header)> Iterate(Action<TarSplitWriter> write) =>
        TarSplitHeaders.Iterate(TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Write(write))))).ToList();

    private static void AssertInvalid(Action<TarSplitWriter> write) =>
        TarTestKit.AssertCode(ErrorCodes.ValidationFailed, () => Iterate(write));
}
