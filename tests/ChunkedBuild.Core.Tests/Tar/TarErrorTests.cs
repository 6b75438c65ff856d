using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Malformed, truncated, hostile and oddly terminated tars.</summary>
public class TarErrorTests
{
    private static byte[] SmallTar() => new RawTarBuilder()
        .Entry(RawTarBuilder.Header("dir/", TarTypeFlag.Directory, 0))
        .Pax(RawTarBuilder.PaxRecord("path", "dir/" + new string('p', 120)), RawTarBuilder.PaxRecord("SCHILY.xattr.user.a", "b"))
        .Entry(RawTarBuilder.Header("dir/short", TarTypeFlag.Regular, 700), Enumerable.Range(0, 700).Select(i => (byte)i).ToArray())
        .GnuLong(TarTypeFlag.GnuLongName, Encoding.ASCII.GetBytes(new string('l', 150)))
        .Entry(RawTarBuilder.Header("l", TarTypeFlag.Regular, 3, gnu: true), "abc"u8.ToArray())
        .Entry(RawTarBuilder.Header("link", TarTypeFlag.Symlink, 0))
        .End().ToArray();

    [Fact]
    public void ZeroBlockFollowedByHeaderIsABadEndMarker()
    {
        var tar = new RawTarBuilder().Raw(new byte[512]).Entry(RawTarBuilder.Header("x", TarTypeFlag.Regular, 0)).End().ToArray();
        var e = TarTestKit.AssertCode(ErrorCodes.TarBadEndMarker, () => TarTestKit.ReadAll(tar));
        Assert.Contains("offset 512", e.Message);
    }

    [Fact]
    public void ChecksumMismatchIsACorruptHeader()
    {
        var header = RawTarBuilder.Header("x", TarTypeFlag.Regular, 0);
        header[0] = (byte)'y';
        var tar = new RawTarBuilder().Entry(RawTarBuilder.Header("ok", TarTypeFlag.Regular, 1), [1]).Entry(header).End().ToArray();
        var e = TarTestKit.AssertCode(ErrorCodes.TarCorruptHeader, () => TarTestKit.ReadAll(tar));
        Assert.Contains("offset 1024", e.Message);
    }

    [Theory]
    [InlineData(124, "0000000012x\0")]
    [InlineData(100, "07 7\0\0\0\0")]
    [InlineData(329, "9\0\0\0\0\0\0\0")]
    public void UnparsableNumbersAreCorruptHeaders(int offset, string field)
    {
        var header = RawTarBuilder.Header("x", TarTypeFlag.Regular, 0, block => Encoding.ASCII.GetBytes(field).CopyTo(block, offset));
        TarTestKit.AssertCode(ErrorCodes.TarCorruptHeader, () => TarTestKit.ReadAll(new RawTarBuilder().Entry(header).End().ToArray()));
    }

    [Theory]
    [InlineData("30 path=a\n")]                 // length larger than the data
    [InlineData("x path=a\n")]                  // length not a number
    [InlineData("9 patha\n")]                   // no '='
    [InlineData("10 path=ab")]                  // no newline
    [InlineData("path=a\n")]                    // no space
    [InlineData("4 =\n")]                       // length below 5
    [InlineData("6 =ab\n")]                     // empty key
    [InlineData("0000005 a=b\n")]               // length field longer than the record
    [InlineData("10 path=\0b\n")]               // NUL in a path value
    [InlineData("26 GNU.sparse.numbytes=1\n")]  // numbytes before offset
    public void MalformedPaxRecords(string data)
    {
        var bytes = Encoding.ASCII.GetBytes(data);
        var tar = new RawTarBuilder().Entry(RawTarBuilder.Header("PaxHeaders/x", TarTypeFlag.PaxExtended, bytes.Length), bytes)
            .Entry(RawTarBuilder.Header("x", TarTypeFlag.Regular, 0)).End().ToArray();
        TarTestKit.AssertCode(ErrorCodes.TarBadPaxRecord, () => TarTestKit.ReadAll(tar));
    }

    [Theory]
    [InlineData("uid", "abc")]
    [InlineData("size", "1e3")]
    [InlineData("mtime", ".5")]
    [InlineData("atime", "1.5x")]
    [InlineData("ctime", "99999999999999999999")]
    public void UnparsablePaxValues(string key, string value)
    {
        var tar = new RawTarBuilder().Pax(RawTarBuilder.PaxRecord(key, value)).Entry(RawTarBuilder.Header("x", TarTypeFlag.Regular, 0)).End().ToArray();
        var e = TarTestKit.AssertCode(ErrorCodes.TarBadPaxRecord, () => TarTestKit.ReadAll(tar));
        Assert.Contains("offset 0", e.Message);
    }

    [Fact]
    public void AbsurdSizesFailBeforeAllocating()
    {
        // A PAX header claiming 1 TiB of records.
        var hugePax = RawTarBuilder.Header("PaxHeaders/x", TarTypeFlag.PaxExtended, 0, block => RawTarBuilder.Base256(block.AsSpan(124, 12), 1L << 40));
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize, () => TarTestKit.ReadAll(new RawTarBuilder().Entry(hugePax).End().ToArray()));
        // A GNU long name above the limit.
        var longName = RawTarBuilder.Header("././@LongLink", TarTypeFlag.GnuLongName, 5000, gnu: true);
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize,
            () => TarTestKit.ReadAll(new RawTarBuilder().Entry(longName, new byte[5000]).End().ToArray(), new TarReaderLimits { MaxExtensionRecordSize = 4096 }));
        // A file above MaxEntrySize, and negative sizes in base-256 and PAX.
        var huge = RawTarBuilder.Header("huge", TarTypeFlag.Regular, 0, block => RawTarBuilder.Base256(block.AsSpan(124, 12), (1L << 40) + 1));
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize, () => TarTestKit.ReadAll(new RawTarBuilder().Entry(huge).End().ToArray()));
        var negative = RawTarBuilder.Header("neg", TarTypeFlag.Regular, 0, block => RawTarBuilder.Base256(block.AsSpan(124, 12), -1));
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize, () => TarTestKit.ReadAll(new RawTarBuilder().Entry(negative).End().ToArray()));
        var paxNegative = new RawTarBuilder().Pax(RawTarBuilder.PaxRecord("size", "-5")).Entry(RawTarBuilder.Header("n", TarTypeFlag.Regular, 0)).End().ToArray();
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize, () => TarTestKit.ReadAll(paxNegative));
        // Endless chains of extension headers are bounded too.
        var chain = new RawTarBuilder();
        for (var i = 0; i < 40; i++) chain.Pax(RawTarBuilder.PaxRecord("comment", new string('c', 1000)));
        TarTestKit.AssertCode(ErrorCodes.TarAbsurdSize,
            () => TarTestKit.ReadAll(chain.End().ToArray(), new TarReaderLimits { MaxEntryHeaderBytes = 32 * 1024 }));
    }

    [Fact]
    public void TruncatedPayloadNamesEntryAndOffset()
    {
        var tar = new RawTarBuilder().Entry(RawTarBuilder.Header("cut", TarTypeFlag.Regular, 1000), new byte[1000]).ToArray()[..800];
        var e = TarTestKit.AssertCode(ErrorCodes.TarTruncated, () => TarTestKit.ReadAll(tar));
        Assert.Equal("cut", e.Entry);
        Assert.Contains("offset 800", e.Message);
    }

    [Fact]
    public void MissingEndMarkerIsSynthesized()
    {
        var body = new RawTarBuilder().Entry(RawTarBuilder.Header("f", TarTypeFlag.Regular, 5), [1, 2, 3, 4, 5]).ToArray();

        var none = TarTestKit.ReadAll(body);
        Assert.True(none.Synthesized);
        Assert.Equal(507 + 1024, none.EndOfArchive.Length);
        Assert.All(none.EndOfArchive, b => Assert.Equal(0, b));

        var noPadding = TarTestKit.ReadAll(body[..(512 + 5)]);
        Assert.True(noPadding.Synthesized);
        Assert.Equal(body.Concat(new byte[1024]).ToArray(), noPadding.Concatenate());

        var partialPadding = TarTestKit.ReadAll(body[..(512 + 100)]);
        Assert.Equal(body.Concat(new byte[1024]).ToArray(), partialPadding.Concatenate());

        var oneZeroBlock = TarTestKit.ReadAll([.. body, .. new byte[512]]);
        Assert.True(oneZeroBlock.Synthesized);
        Assert.Equal(507 + 1024, oneZeroBlock.EndOfArchive.Length);

        var complete = TarTestKit.ReadAll([.. body, .. new byte[1024]]);
        Assert.False(complete.Synthesized);

        var empty = TarTestKit.ReadAll([]);
        Assert.Empty(empty.Entries);
        Assert.Equal(new byte[1024], empty.EndOfArchive);

        TarTestKit.AssertCode(ErrorCodes.TarTruncated, () => TarTestKit.ReadAll([.. body, .. new byte[700]]));
        TarTestKit.AssertCode(ErrorCodes.TarTruncated, () => TarTestKit.ReadAll([.. body, .. new byte[200]]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingDataIsKeptAndSplitIntoMebibyteSegments(bool garbage)
    {
        var trailing = new byte[(5 << 20) / 2];
        if (garbage) new Random(9).NextBytes(trailing);
        var tar = new RawTarBuilder().Entry(RawTarBuilder.Header("f", TarTypeFlag.Regular, 1), [1]).End().Raw(trailing).ToArray();
        var read = TarTestKit.AssertRoundTrip(tar, iterateHeaders: !garbage);
        Assert.Equal(trailing, read.AfterEnd);
        var lines = TarSplitReader.Read(new MemoryStream(TarTestKit.Split(tar))).ToList();
        var segments = lines.Where(l => l.Type == TarSplitEntry.SegmentType).ToList();
        Assert.Equal([512, 511 + 1024, 1 << 20, 1 << 20, 1 << 19], segments.Select(s => s.Payload!.Length));
        if (garbage)
        {
            // Like asm.IterateHeaders in containers/storage: a trailing segment that is neither zero blocks nor a
            // header cannot be decoded, so such a tar-split is refused by the reader.
            TarTestKit.AssertCode(ErrorCodes.ValidationFailed, () => TarSplitHeaders.Iterate(lines).ToList());
        }
    }

    [Fact]
    public void TruncationAtEveryOffsetGivesOnlyTruncationErrorsOrANormalizedTar()
    {
        var tar = SmallTar();
        for (var length = 0; length <= tar.Length; length++)
        {
            var prefix = tar[..length];
            ReadTar read;
            try
            {
                read = TarTestKit.ReadAll(prefix);
            }
            catch (ChunkedBuildException e)
            {
                Assert.True(e.Code == ErrorCodes.TarTruncated, $"length {length}: {e.Message}");
                continue;
            }
            var normalized = read.Concatenate();
            Assert.Equal(prefix, normalized[..length]);
            Assert.Equal(length < tar.Length, read.Synthesized);
            TarTestKit.AssertRoundTrip(prefix);
        }
    }

    [Fact]
    public void RandomByteFlipsGiveOnlyTarErrors()
    {
        var tar = SmallTar();
        var random = new Random(20240601);
        for (var round = 0; round < 3000; round++)
        {
            var mutated = (byte[])tar.Clone();
            var flips = random.Next(1, 5);
            for (var i = 0; i < flips; i++)
            {
                var at = random.Next(mutated.Length);
                mutated[at] = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
            }
            if (random.Next(4) == 0) mutated = mutated[..random.Next(mutated.Length)];
            try
            {
                TarTestKit.ReadAll(mutated);
                var lines = TarSplitReader.Read(new MemoryStream(TarTestKit.Split(mutated))).ToList();
                try
                {
                    _ = TarSplitHeaders.Iterate(lines).Count();
                }
                catch (ChunkedBuildException e) when (e.Code == ErrorCodes.ValidationFailed)
                {
                    // e.g. garbage after the end marker, which IterateHeaders cannot decode either
                }
            }
            catch (ChunkedBuildException e)
            {
                // Mutations can also make names collide (CHB1106) or flag an entry sparse (CHB1102) for the splitter.
                Assert.True(e.Code.StartsWith("CHB10", StringComparison.Ordinal) || e.Code is ErrorCodes.DuplicatePath or ErrorCodes.SparseFile,
                    $"round {round}: {e.Message}");
            }
        }
    }
}
