using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>One entry as the reader returned it, with its payload.</summary>
internal sealed record ReadEntry(RawTarEntry Raw, byte[] Payload)
{
    public TarEntryInfo Info => Raw.Info;
}

/// <summary>A whole tar as the reader saw it.</summary>
internal sealed record ReadTar(List<ReadEntry> Entries, byte[] EndOfArchive, bool Synthesized, byte[] AfterEnd)
{
    /// <summary>Every byte in stream order: prefixes, payloads, end segment, trailing bytes (the normalized tar).</summary>
    public byte[] Concatenate()
    {
        var output = new MemoryStream();
        foreach (var entry in Entries)
        {
            output.Write(entry.Raw.RawPrefix.Span);
            output.Write(entry.Payload);
        }
        output.Write(EndOfArchive);
        output.Write(AfterEnd);
        return output.ToArray();
    }
}

/// <summary>Helpers shared by the tar tests.</summary>
internal static class TarTestKit
{
    /// <summary>Reads <paramref name="tar"/> completely with odd-sized data reads (exercising the buffered path).</summary>
    public static ReadTar ReadAll(byte[] tar, TarReaderLimits? limits = null, int readSize = 7000)
    {
        using var reader = new RawTarReader(new MemoryStream(tar), limits: limits);
        var entries = new List<ReadEntry>();
        var chunk = new byte[readSize];
        while (reader.ReadNext() is { } entry)
        {
            var payload = new MemoryStream();
            int n;
            while ((n = reader.ReadData(chunk)) > 0) payload.Write(chunk, 0, n);
            Assert.Equal(entry.PayloadLength, payload.Length);
            entries.Add(new ReadEntry(entry, payload.ToArray()));
        }
        var after = new MemoryStream();
        int m;
        while ((m = reader.ReadAfterEnd(chunk)) > 0) after.Write(chunk, 0, m);
        Assert.Equal(tar.Length, reader.Position);
        return new ReadTar(entries, reader.EndOfArchive.ToArray(), reader.EndOfArchiveSynthesized, after.ToArray());
    }

    /// <summary>The tar-split JSON lines of <paramref name="tar"/>.</summary>
    public static byte[] Split(byte[] tar)
    {
        var output = new MemoryStream();
        TarSplitter.Split(new MemoryStream(tar), output);
        return output.ToArray();
    }

    /// <summary>
    /// Full round trip: parse, split, read the lines back, reassemble with the payloads, compare with the (normalized)
    /// input, and check that <see cref="TarSplitHeaders.Iterate"/> gives the reader's headers.
    /// </summary>
    public static ReadTar AssertRoundTrip(byte[] tar, bool iterateHeaders = true)
    {
        var read = ReadAll(tar);
        var normalized = read.Concatenate();
        if (!read.Synthesized) Assert.Equal(tar, normalized);
        else Assert.Equal(tar, normalized.AsSpan(0, tar.Length).ToArray());

        var jsonLines = Split(tar);
        var lines = TarSplitReader.Read(new MemoryStream(jsonLines)).ToList();
        Assert.Equal(read.Entries.Count, lines.Count(l => l.Type == TarSplitEntry.FileType));

        var payloads = new Queue<byte[]>(read.Entries.Where(e => e.Info.Size > 0).Select(e => e.Payload));
        var rebuilt = new MemoryStream();
        TarSplitAssembler.Assemble(lines, _ => new MemoryStream(payloads.Dequeue()), rebuilt);
        Assert.Empty(payloads);
        Assert.Equal(normalized, rebuilt.ToArray());

        if (!iterateHeaders) return read;
        var headers = TarSplitHeaders.Iterate(lines).ToList();
        Assert.Equal(read.Entries.Count, headers.Count);
        for (var i = 0; i < headers.Count; i++) AssertSameInfo(read.Entries[i].Info, headers[i].Header);
        return read;
    }

    /// <summary>Asserts two parsed headers are equal field by field.</summary>
    public static void AssertSameInfo(TarEntryInfo expected, TarEntryInfo actual)
    {
        Assert.Equal(expected.NameBytes, actual.NameBytes);
        Assert.Equal(expected.LinkName, actual.LinkName);
        Assert.Equal(expected.TypeFlag, actual.TypeFlag);
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.Uid, actual.Uid);
        Assert.Equal(expected.Gid, actual.Gid);
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.GroupName, actual.GroupName);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.ModTime, actual.ModTime);
        Assert.Equal(expected.AccessTime, actual.AccessTime);
        Assert.Equal(expected.ChangeTime, actual.ChangeTime);
        Assert.Equal(expected.DevMajor, actual.DevMajor);
        Assert.Equal(expected.DevMinor, actual.DevMinor);
        Assert.Equal(expected.Xattrs.Count, actual.Xattrs.Count);
        for (var i = 0; i < expected.Xattrs.Count; i++)
        {
            Assert.Equal(expected.Xattrs[i].Key, actual.Xattrs[i].Key);
            Assert.Equal(expected.Xattrs[i].Value, actual.Xattrs[i].Value);
        }
        Assert.Equal(expected.IsSparse, actual.IsSparse);
    }

    /// <summary>Runs <paramref name="action"/> and asserts it either succeeds or fails with a CHB10xx tar error.</summary>
    public static void AssertOnlyTarErrors(Action action)
    {
        try
        {
            action();
        }
        catch (ChunkedBuildException e)
        {
            Assert.StartsWith("CHB10", e.Code);
        }
    }

    /// <summary>Asserts <paramref name="action"/> throws a ChunkedBuildException with <paramref name="code"/>.</summary>
    public static ChunkedBuildException AssertCode(string code, Action action)
    {
        var e = Assert.Throws<ChunkedBuildException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
