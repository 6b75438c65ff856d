using System.Buffers.Binary;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>Rebuilds the original tar from tar-split lines plus file contents (tar-split's <c>WriteOutputTarStream</c>).</summary>
public static class TarSplitAssembler
{
    /// <summary>
    /// Writes every segment payload and, for each file line with size &gt; 0, the whole content obtained from
    /// <paramref name="openFile"/>, checking its CRC-64; a mismatch or a short file is a CHB1301 error.
    /// </summary>
    public static void Assemble(IEnumerable<TarSplitEntry> entries, Func<TarSplitEntry, Stream> openFile, Stream output)
    {
        var buffer = new byte[1 << 16];
        foreach (var entry in entries)
        {
            if (entry.Type == TarSplitEntry.SegmentType)
            {
                output.Write(entry.Payload ?? []);
                continue;
            }
            if (entry.Size == 0) continue;
            var crc = Crc64Iso.Create();
            long left = entry.Size;
            using (var content = openFile(entry))
            {
                while (left > 0)
                {
                    var n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (n == 0) break;
                    crc.Append(buffer.AsSpan(0, n));
                    output.Write(buffer, 0, n);
                    left -= n;
                }
            }
            var name = entry.Name ?? "(raw name)";
            if (left > 0)
                throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split file '{name}': content is {entry.Size - left} bytes, expected {entry.Size}", name);
            if (entry.Payload is not { Length: 8 } expected || BinaryPrimitives.ReadUInt64BigEndian(expected) != crc.GetCurrentHashAsUInt64())
                throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split file '{name}': CRC-64 of the content does not match", name);
        }
    }
}
