using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>Rebuilds the original tar from tar-split lines plus file contents (tar-split's <c>WriteOutputTarStream</c>).</summary>
public static class TarSplitAssembler
{
    private const int CopyBufferSize = 256 * 1024;

    /// <summary>
    /// Writes every segment payload and, for each file line with size &gt; 0, the whole content obtained from
    /// <paramref name="openFile"/>, checking its CRC-64; a mismatch or a short file is a CHB1301 error.
    /// </summary>
    /// <remarks>
    /// Like tar-split, the whole stream returned by <paramref name="openFile"/> is copied and then checked against the
    /// stored CRC-64; in addition its length must equal the line's size (a longer or shorter file is refused).
    /// </remarks>
    public static void Assemble(IEnumerable<TarSplitEntry> entries, Func<TarSplitEntry, Stream> openFile, Stream output)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(openFile);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            foreach (var entry in entries)
            {
                switch (entry.Type)
                {
                    case TarSplitEntry.SegmentType:
                        if (entry.Payload is { Length: > 0 } payload) output.Write(payload);
                        break;
                    case TarSplitEntry.FileType when entry.Size != 0:
                        CopyFile(entry, openFile, output, buffer);
                        break;
                    case TarSplitEntry.FileType:
                        break;
                    default:
                        throw new ChunkedBuildException(ErrorCodes.ValidationFailed,
                            $"tar-split line {entry.Position}: unknown entry type {entry.Type}");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CopyFile(TarSplitEntry entry, Func<TarSplitEntry, Stream> openFile, Stream output, byte[] buffer)
    {
        var name = DisplayName(entry);
        if (entry.Size < 0)
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split file line for '{name}' has a negative size {entry.Size}", name);
        var crc = Crc64Iso.Create();
        long copied = 0;
        using (var file = openFile(entry))
        {
            int n;
            while ((n = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                crc.Append(buffer.AsSpan(0, n));
                copied += n;
            }
        }
        if (copied != entry.Size)
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed,
                $"file '{name}' has {copied} bytes but its tar-split line says {entry.Size}", name);
        Span<byte> sum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sum, crc.GetCurrentHashAsUInt64());
        if (entry.Payload is null || !sum.SequenceEqual(entry.Payload))
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed,
                $"file integrity checksum (CRC-64) failed for '{name}' while reassembling the tar from tar-split", name);
    }

    /// <summary>The name of a file line as text (tar-split's <c>GetName</c>).</summary>
    internal static string DisplayName(TarSplitEntry entry) =>
        entry.NameRaw is { Length: > 0 } raw ? Encoding.UTF8.GetString(raw) : entry.Name ?? "";
}
