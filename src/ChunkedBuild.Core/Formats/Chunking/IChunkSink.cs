namespace ChunkedBuild.Core.Formats.Chunking;

/// <summary>Receives a file's bytes from <see cref="ContentDefinedChunker"/>, cut into chunks.</summary>
public interface IChunkSink
{
    /// <summary>Data bytes of the current chunk (also the zeros of runs shorter than the hole threshold).</summary>
    void Data(ReadOnlySpan<byte> bytes);
    /// <summary><paramref name="count"/> zero bytes of the current (zeros) chunk.</summary>
    void Zeros(long count);
    /// <summary>The current chunk ends here; never called for an empty chunk.</summary>
    void EndChunk(ChunkType type);
}
