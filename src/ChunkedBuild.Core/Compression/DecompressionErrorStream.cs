using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Compression;

/// <summary>Turns a decompressor's own exceptions (corrupt or truncated data) into coded CHB1202 errors with the offset reached.</summary>
internal sealed class DecompressionErrorStream(Stream decompressor, string algorithm) : Stream
{
    private long _produced;

    public override int Read(Span<byte> buffer)
    {
        try
        {
            var n = decompressor.Read(buffer);
            _produced += n;
            return n;
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or EndOfStreamException
                                      || (e is IOException && e is not FileNotFoundException))
        {
            throw new ChunkedBuildException(ErrorCodes.CorruptCompressedInput,
                $"the {algorithm} stream of the layer is corrupt or truncated after {_produced} decompressed bytes: {e.Message}", innerException: e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _produced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) decompressor.Dispose();
        base.Dispose(disposing);
    }
}
