using System.Runtime.InteropServices;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Decodes gzip members one at a time through the system's libdeflate (<c>libdeflate_gzip_decompress_ex</c>), which reports how many input
/// bytes each member took: unlike <see cref="System.IO.Compression.GZipStream"/>, a caller learns exactly where a member ends (and a member
/// cut short is an error, never a short read). Bound at run time like <see cref="LibDeflateDeflater"/>; without libdeflate there is none,
/// and callers use their zlib path.
/// </summary>
internal sealed unsafe class LibDeflateGzipMembers : IDisposable
{
    // libdeflate.h (stable C ABI since 1.0; the _ex variants since 1.1):
    //   struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
    //   enum libdeflate_result libdeflate_gzip_decompress_ex(d, const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail,
    //                                                        size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret);
    //     decodes ONE member (header, deflate data, CRC-32 and ISIZE checked); *actual_in_nbytes_ret = the member's whole length
    //   void libdeflate_free_decompressor(d);
    //   enum libdeflate_result { SUCCESS = 0, BAD_DATA = 1, SHORT_OUTPUT = 2, INSUFFICIENT_SPACE = 3 };
    private const int Success = 0;
    private const int InsufficientSpace = 3;

    // RFC 1952 §2.3: ID1 ID2 CM FLG …; FLG bit 1 is FHCRC (a CRC-16 of the header), which libdeflate skips without checking.
    private const int HeaderFlagsOffset = 3;
    private const byte HeaderCrcFlag = 0x02;

    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int> _decompress;
    private readonly delegate* unmanaged<nint, void> _free;
    private nint _decompressor;

    private LibDeflateGzipMembers(nint decompressor, delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int> decompress, delegate* unmanaged<nint, void> free)
    {
        _decompressor = decompressor;
        _decompress = decompress;
        _free = free;
    }

    /// <summary>A member decoder, or null when libdeflate is not installed.</summary>
    public static LibDeflateGzipMembers? TryCreate()
    {
        foreach (var name in LibDeflateDeflater.LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, typeof(LibDeflateGzipMembers).Assembly, DllImportSearchPath.SafeDirectories, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "libdeflate_alloc_decompressor", out var alloc)
                && NativeLibrary.TryGetExport(handle, "libdeflate_gzip_decompress_ex", out var decompress)
                && NativeLibrary.TryGetExport(handle, "libdeflate_free_decompressor", out var free))
            {
                var decompressor = ((delegate* unmanaged<nint>)alloc)();
                if (decompressor != 0)
                    return new LibDeflateGzipMembers(decompressor, (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int>)decompress, (delegate* unmanaged<nint, void>)free);
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }

    /// <summary>
    /// Decodes the members of <paramref name="input"/>, which must be whole members back to back and nothing else, appending their output to
    /// <paramref name="output"/> from <paramref name="outputLength"/> on (the buffer grows up to <paramref name="maxOutput"/> bytes in all).
    /// False when the input is not exactly that (bad data, a member cut short, bytes that are no member, a header CRC this decoder would not
    /// check) or its output would exceed the limit.
    /// </summary>
    public bool TryDecodeAll(ReadOnlySpan<byte> input, ref byte[] output, ref int outputLength, int maxOutput)
    {
        ObjectDisposedException.ThrowIf(_decompressor == 0, this);
        var position = 0;
        while (position < input.Length)
        {
            var rest = input[position..];
            if (rest.Length <= HeaderFlagsOffset || (rest[HeaderFlagsOffset] & HeaderCrcFlag) != 0) return false;
            while (true)
            {
                nuint used, written;
                int result;
                fixed (byte* inPtr = rest)
                fixed (byte* outPtr = output)
                {
                    result = _decompress(_decompressor, inPtr, (nuint)rest.Length, outPtr + outputLength, (nuint)(output.Length - outputLength), &used, &written);
                }
                if (result == InsufficientSpace)
                {
                    if (output.Length >= maxOutput) return false;
                    Array.Resize(ref output, (int)Math.Min(maxOutput, 2L * output.Length));
                    continue;
                }
                if (result != Success || used == 0) return false;
                position += (int)used;
                outputLength += (int)written;
                break;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_decompressor == 0) return;
        _free(_decompressor);
        _decompressor = 0;
    }
}
