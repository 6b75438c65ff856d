using System.Runtime.InteropServices;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Decodes ranges of a zstd blob that must each be whole frames (skippable ones skipped) with the native libzstd shipped in the ZstdNet
/// package, through one reused decoder context: a range whose input ends inside a frame is an error, never a short read (ZstdNet's own
/// stream ends quietly there). It decodes what the managed ZstdSharp decoder with <c>checkEndOfStream</c> decodes (the same format, frame
/// checksums checked, the same default window limit), several times faster. Bound at run time like <see cref="LibDeflateGzipMembers"/>;
/// where the library does not load there is none, and callers use ZstdSharp.
/// </summary>
internal sealed unsafe class NativeZstdRanges : IDisposable
{
    // zstd.h (stable API since 1.4):
    //   typedef struct { const void* src; size_t size; size_t pos; } ZSTD_inBuffer;
    //   typedef struct { void* dst; size_t size; size_t pos; } ZSTD_outBuffer;
    //   ZSTD_DCtx* ZSTD_createDCtx(void);  size_t ZSTD_freeDCtx(ZSTD_DCtx*);
    //   size_t ZSTD_DCtx_reset(ZSTD_DCtx*, ZSTD_ResetDirective);   ZSTD_reset_session_only = 1
    //   size_t ZSTD_decompressStream(ZSTD_DCtx*, ZSTD_outBuffer*, ZSTD_inBuffer*);
    //     returns 0 when a frame is completely decoded and fully flushed, an error code, or a hint > 0 (more input or flushing needed)
    //   unsigned ZSTD_isError(size_t);  const char* ZSTD_getErrorName(size_t);
    [StructLayout(LayoutKind.Sequential)]
    private struct Buffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Pos;
    }

    private const int ResetSessionOnly = 1;

    /// <summary>The name ZstdNet binds its native library by (resolved next to its assembly or from the app's native assets).</summary>
    private const string LibraryName = "libzstd";

    private readonly delegate* unmanaged<nint, Buffer*, Buffer*, nuint> _decompressStream;
    private readonly delegate* unmanaged<nint, int, nuint> _reset;
    private readonly delegate* unmanaged<nuint, uint> _isError;
    private readonly delegate* unmanaged<nuint, byte*> _errorName;
    private readonly delegate* unmanaged<nint, nuint> _free;
    // The input buffer of the range being decoded (one at a time), shared so that the many small ranges of a blob allocate nothing.
    private readonly byte[] _input = new byte[1 << 16];
    private nint _context;

    private NativeZstdRanges(nint context, nint decompressStream, nint reset, nint isError, nint errorName, nint free)
    {
        _context = context;
        _decompressStream = (delegate* unmanaged<nint, Buffer*, Buffer*, nuint>)decompressStream;
        _reset = (delegate* unmanaged<nint, int, nuint>)reset;
        _isError = (delegate* unmanaged<nuint, uint>)isError;
        _errorName = (delegate* unmanaged<nuint, byte*>)errorName;
        _free = (delegate* unmanaged<nint, nuint>)free;
    }

    /// <summary>A decoder, or null when libzstd does not load here.</summary>
    public static NativeZstdRanges? TryCreate()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(ZstdNet.Decompressor).Assembly, null, out var handle)) return null;
        if (NativeLibrary.TryGetExport(handle, "ZSTD_createDCtx", out var create)
            && NativeLibrary.TryGetExport(handle, "ZSTD_decompressStream", out var decompressStream)
            && NativeLibrary.TryGetExport(handle, "ZSTD_DCtx_reset", out var reset)
            && NativeLibrary.TryGetExport(handle, "ZSTD_isError", out var isError)
            && NativeLibrary.TryGetExport(handle, "ZSTD_getErrorName", out var errorName)
            && NativeLibrary.TryGetExport(handle, "ZSTD_freeDCtx", out var free))
        {
            var context = ((delegate* unmanaged<nint>)create)();
            if (context != 0) return new NativeZstdRanges(context, decompressStream, reset, isError, errorName, free);
        }
        NativeLibrary.Free(handle);
        return null;
    }

    /// <summary>
    /// A decoder of <paramref name="range"/> (disposed with it), which must be whole frames: reads throw <see cref="InvalidDataException"/> on
    /// undecodable data or when the input ends inside a frame. One range at a time: opening the next one restarts the shared context.
    /// </summary>
    public Stream Open(Stream range)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        Check(_reset(_context, ResetSessionOnly));
        return new RangeStream(this, range);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_context == 0) return;
        _free(_context);
        _context = 0;
    }

    private nuint Check(nuint code)
    {
        if (_isError(code) != 0) throw new InvalidDataException($"zstd: {Marshal.PtrToStringAnsi((nint)_errorName(code))}");
        return code;
    }

    private sealed class RangeStream(NativeZstdRanges decoder, Stream range) : ReadOnlyStream
    {
        private readonly byte[] _input = decoder._input;
        private int _inputLength;
        private int _inputPosition;
        private bool _inputEnded;
        // 0 before any input and after each frame completely decoded and flushed; the last hint otherwise.
        private nuint _pending;

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            while (true)
            {
                if (_inputPosition == _inputLength && !_inputEnded)
                {
                    _inputLength = range.Read(_input);
                    _inputPosition = 0;
                    _inputEnded = _inputLength == 0;
                }
                if (_inputEnded && _pending == 0) return 0;
                int written;
                fixed (byte* inPtr = _input)
                fixed (byte* outPtr = buffer)
                {
                    var input = new Buffer { Data = inPtr, Size = (nuint)_inputLength, Pos = (nuint)_inputPosition };
                    var output = new Buffer { Data = outPtr, Size = (nuint)buffer.Length, Pos = 0 };
                    ObjectDisposedException.ThrowIf(decoder._context == 0, decoder);
                    _pending = decoder.Check(decoder._decompressStream(decoder._context, &output, &input));
                    _inputPosition = (int)input.Pos;
                    written = (int)output.Pos;
                }
                if (written > 0) return written;
                // Nothing came out although all the input is in and the frame is not finished: the range ends inside a frame.
                if (_inputEnded && _pending != 0) throw new InvalidDataException("zstd: the input ends inside a frame");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) range.Dispose();
            base.Dispose(disposing);
        }
    }
}
