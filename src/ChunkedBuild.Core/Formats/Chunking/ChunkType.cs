namespace ChunkedBuild.Core.Formats.Chunking;

/// <summary>The kind of a content-defined chunk (zstd:chunked <c>chunkType</c>).</summary>
public enum ChunkType
{
    /// <summary>Ordinary data (TOC value "" / omitted).</summary>
    Data,
    /// <summary>A run of ≥ 1024 zero bytes (TOC value "zeros").</summary>
    Zeros,
}
