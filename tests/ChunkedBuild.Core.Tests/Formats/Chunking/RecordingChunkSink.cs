using ChunkedBuild.Core.Formats.Chunking;

namespace ChunkedBuild.Core.Tests.Formats.Chunking;

/// <summary>Records what a chunker reports and checks the sink contract as it goes.</summary>
internal sealed class RecordingChunkSink : IChunkSink
{
    private readonly MemoryStream _content = new();
    private long _chunkStart;
    private long _dataInChunk;
    private long _zerosInChunk;

    public List<ChunkSpan> Chunks { get; } = [];

    /// <summary>Every byte delivered, Data and Zeros, in order.</summary>
    public byte[] Content => _content.ToArray();

    public void Data(ReadOnlySpan<byte> bytes)
    {
        if (_zerosInChunk > 0) throw new InvalidOperationException("Data inside a zeros chunk");
        _content.Write(bytes);
        _dataInChunk += bytes.Length;
    }

    public void Zeros(long count)
    {
        if (_dataInChunk > 0) throw new InvalidOperationException("Zeros inside a data chunk");
        if (count <= 0) throw new InvalidOperationException("Zeros with a non-positive count");
        _content.Write(new byte[count]);
        _zerosInChunk += count;
    }

    public void EndChunk(ChunkType type)
    {
        long size = _dataInChunk + _zerosInChunk;
        if (size == 0) throw new InvalidOperationException("EndChunk for an empty chunk");
        var expected = _zerosInChunk > 0 ? ChunkType.Zeros : ChunkType.Data;
        if (type != expected) throw new InvalidOperationException($"EndChunk({type}) for a chunk of {expected} bytes");
        Chunks.Add(new ChunkSpan(_chunkStart, size, type));
        _chunkStart += size;
        _dataInChunk = 0;
        _zerosInChunk = 0;
    }

    /// <summary>Checks that the file ended cleanly (no bytes after the last chunk) and starts over.</summary>
    public (List<ChunkSpan> Chunks, byte[] Content) TakeFile()
    {
        if (_dataInChunk + _zerosInChunk != 0) throw new InvalidOperationException("bytes after the last EndChunk");
        var result = (new List<ChunkSpan>(Chunks), Content);
        Chunks.Clear();
        _content.SetLength(0);
        _chunkStart = 0;
        return result;
    }
}
