using System.Buffers.Binary;

namespace ChunkedBuild.Core.Tests.Compression;

/// <summary>The frame-header facts of one zstd frame (RFC 8878 §3.1.1), parsed independently of the encoder.</summary>
/// <param name="FrameLength">Bytes from the magic to the end of the last block (plus checksum).</param>
/// <param name="ContentSize">Frame_Content_Size, or null when absent.</param>
/// <param name="WindowSize">The window a decoder needs (content size for single-segment frames).</param>
/// <param name="HasChecksum">Content_Checksum_flag.</param>
internal sealed record ZstdFrameInfo(int FrameLength, ulong? ContentSize, ulong WindowSize, bool HasChecksum)
{
    public static ZstdFrameInfo Parse(ReadOnlySpan<byte> data)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != 0xFD2FB528) throw new FormatException("no zstd magic");
        byte fhd = data[4];
        int fcsFlag = fhd >> 6;
        bool singleSegment = (fhd & 0x20) != 0;
        bool checksum = (fhd & 0x04) != 0;
        int dictIdLength = (fhd & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        int pos = 5;
        ulong window = 0;
        if (!singleSegment)
        {
            byte wd = data[pos++];
            int windowLog = 10 + (wd >> 3);
            ulong windowBase = 1UL << windowLog;
            window = windowBase + windowBase / 8 * (ulong)(wd & 7);
        }
        pos += dictIdLength;
        int fcsLength = fcsFlag switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        ulong? contentSize = fcsLength switch
        {
            0 => null,
            1 => data[pos],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]) + 256UL,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(data[pos..]),
        };
        pos += fcsLength;
        if (singleSegment) window = contentSize!.Value;
        while (true)
        {
            uint blockHeader = (uint)(data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16);
            pos += 3;
            bool last = (blockHeader & 1) != 0;
            int type = (int)(blockHeader >> 1) & 3;
            int size = (int)(blockHeader >> 3);
            pos += type == 1 ? 1 : size;
            if (last) break;
        }
        if (checksum) pos += 4;
        return new ZstdFrameInfo(pos, contentSize, window, checksum);
    }
}
