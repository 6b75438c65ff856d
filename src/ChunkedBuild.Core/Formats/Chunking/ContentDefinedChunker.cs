namespace ChunkedBuild.Core.Formats.Chunking;

/// <summary>
/// containers/storage's chunker (formats.md §1.4): zero runs of ≥ 1024 bytes become "zeros" chunks; data is cut where the
/// bup-style rollsum over a 64-byte window has its low 16 bits of s2 all set. No minimum or maximum chunk size. One
/// rollsum per file, rolled over hole bytes too and never reset between chunks, so boundaries equal c/storage's.
/// </summary>
public sealed class ContentDefinedChunker
{
    /// <summary>Zero runs at least this long become their own chunk.</summary>
    public const int ZeroRunThreshold = 1024;
    /// <summary>Split when the low <c>RollsumBits</c> bits of s2 are all ones.</summary>
    public const int RollsumBits = 16;

    /// <summary>Creates a chunker that reports to <paramref name="sink"/>.</summary>
    public ContentDefinedChunker(IChunkSink sink) => throw new NotImplementedException();

    /// <summary>Feeds the next bytes of the current file.</summary>
    public void Write(ReadOnlySpan<byte> fileBytes) => throw new NotImplementedException();

    /// <summary>Ends the current file (flushes pending zeros, ends the last chunk) and resets for the next file.</summary>
    public void Finish() => throw new NotImplementedException();
}
