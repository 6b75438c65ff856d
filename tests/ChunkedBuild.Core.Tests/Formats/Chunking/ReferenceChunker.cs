using ChunkedBuild.Core.Formats.Chunking;

namespace ChunkedBuild.Core.Tests.Formats.Chunking;

/// <summary>One chunk of a file: offset within the file, length, kind.</summary>
public readonly record struct ChunkSpan(long Offset, long Size, ChunkType Type);

/// <summary>
/// A deliberately naive, whole-buffer model of containers/storage's chunker (holesFinder + rollingChecksumReader +
/// rollsum.go), written from the algorithm description, to check the streaming implementation against.
/// </summary>
internal static class ReferenceChunker
{
    public static List<ChunkSpan> Chunk(ReadOnlySpan<byte> file)
    {
        var chunks = new List<ChunkSpan>();
        uint s1 = 64 * 31, s2 = 64 * 63 * 31;
        var window = new byte[64];
        int wofs = 0;
        bool Roll(byte c)
        {
            uint drop = window[wofs];
            s1 = s1 + c - drop;
            s2 = s2 + s1 - 64 * (drop + 31);
            window[wofs] = c;
            wofs = (wofs + 1) & 63;
            return (s2 & 0xFFFF) == 0xFFFF;
        }

        long chunkStart = 0;
        int i = 0;
        while (i < file.Length)
        {
            int run = 0;
            while (i + run < file.Length && file[i + run] == 0) run++;
            if (run >= 1024)
            {
                if (i > chunkStart) chunks.Add(new ChunkSpan(chunkStart, i - chunkStart, ChunkType.Data));
                for (int k = 0; k < run; k++) Roll(0);
                chunks.Add(new ChunkSpan(i, run, ChunkType.Zeros));
                i += run;
                chunkStart = i;
                continue;
            }
            int count = Math.Max(run, 1); // a short zero run, or one non-zero byte
            for (int k = 0; k < count; k++)
            {
                bool split = Roll(file[i]);
                i++;
                if (split)
                {
                    chunks.Add(new ChunkSpan(chunkStart, i - chunkStart, ChunkType.Data));
                    chunkStart = i;
                }
            }
        }
        if (file.Length > chunkStart) chunks.Add(new ChunkSpan(chunkStart, file.Length - chunkStart, ChunkType.Data));
        return chunks;
    }
}
