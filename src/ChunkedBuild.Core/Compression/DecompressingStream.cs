using ChunkedBuild.Core.Errors;
using ZstdSharp;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Wraps a gzip or zstd decompression stream so that corrupt or truncated compressed data surfaces as
/// <see cref="ChunkedBuildException"/> <see cref="ErrorCodes.CorruptCompressedInput"/> from <see cref="Read(Span{byte})"/>.
/// </summary>
internal sealed class DecompressingStream : ReadOnlyStream
{
    private readonly Stream _decoder;
    private readonly Stream _blob;
    private readonly bool _leaveOpen;
    private readonly LayerCompression _compression;
    private readonly GzipEndCheck? _gzipEnd;
    private readonly TailRecordingStream? _gzipInput;
    private long _produced;
    private bool _ended;

    /// <summary>Wraps a decoder; for gzip, <paramref name="gzipInput"/> is the compressed input as the decoder reads it.</summary>
    public DecompressingStream(Stream decoder, Stream blob, bool leaveOpen, LayerCompression compression, TailRecordingStream? gzipInput = null)
    {
        _decoder = decoder;
        _blob = blob;
        _leaveOpen = leaveOpen;
        _compression = compression;
        _gzipInput = gzipInput;
        if (gzipInput is not null) _gzipEnd = new GzipEndCheck();
    }


    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _ended) return 0;
        int n;
        try
        {
            n = _decoder.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or EndOfStreamException)
        {
            throw Corrupt(e);
        }
        return Produced(buffer[..n]);
    }

    private int Produced(ReadOnlySpan<byte> output)
    {
        _produced += output.Length;
        if (_gzipEnd is not null)
        {
            if (output.Length > 0) _gzipEnd.Add(output);
            else if (!_gzipEnd.EndedCleanly(_gzipInput!.Last)) throw Corrupt(new EndOfStreamException("the input ends inside a gzip member (no valid CRC-32/ISIZE trailer)"));
        }
        if (output.IsEmpty) _ended = true;
        return output.Length;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended) return 0;
        int n;
        try
        {
            n = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or EndOfStreamException)
        {
            throw Corrupt(e);
        }
        return Produced(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private ChunkedBuildException Corrupt(Exception e) => new(ErrorCodes.CorruptCompressedInput,
        $"the {(_compression == LayerCompression.Gzip ? "gzip" : "zstd")} stream of the layer is corrupt or truncated " +
        $"after {_produced} uncompressed bytes: {e.Message}", innerException: e);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            if (!_leaveOpen) _blob.Dispose();
        }
        base.Dispose(disposing);
    }
}
