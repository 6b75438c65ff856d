using ChunkedBuild.Core.Formats.Chunking;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Chunking;

public class ContentDefinedChunkerTests
{
    /// <summary>What the chunker produced: (size, type) per chunk, plus the bytes concatenated.</summary>
    private sealed class Recorder : IChunkSink
    {
        private long _size;
        public List<(long Size, ChunkType Type)> Chunks { get; } = [];
        public MemoryStream Bytes { get; } = new();
        public void Data(ReadOnlySpan<byte> bytes) { _size += bytes.Length; Bytes.Write(bytes); }
        public void Zeros(long count) { _size += count; Bytes.Write(new byte[count]); }
        public void EndChunk(ChunkType type) { Assert.True(_size > 0, "empty chunk"); Chunks.Add((_size, type)); _size = 0; }
    }

    /// <summary>
    /// An independent, literal port of containers/storage's holesFinder + rollingChecksumReader (one byte at a time),
    /// the oracle for the optimized chunker.
    /// </summary>
    private static List<(long Size, ChunkType Type)> Reference(byte[] file)
    {
        uint s1 = 64 * 31, s2 = 64 * 63 * 31;
        var window = new byte[64];
        var wofs = 0;
        bool Roll(byte c)
        {
            uint drop = window[wofs];
            s1 += c - drop;
            s2 += s1 - 64 * (drop + 31);
            window[wofs] = c;
            wofs = (wofs + 1) & 63;
            return (s2 & 0xFFFF) == 0xFFFF;
        }
        var chunks = new List<(long, ChunkType)>();
        long chunk = 0;
        var i = 0;
        while (i < file.Length)
        {
            if (file[i] == 0)
            {
                var run = 0;
                while (i + run < file.Length && file[i + run] == 0) run++;
                if (run >= 1024)
                {
                    if (chunk > 0) chunks.Add((chunk, ChunkType.Data));
                    chunk = 0;
                    for (var k = 0; k < run; k++) Roll(0);
                    chunks.Add((run, ChunkType.Zeros));
                    i += run;
                    continue;
                }
            }
            chunk++;
            if (Roll(file[i])) { chunks.Add((chunk, ChunkType.Data)); chunk = 0; }
            i++;
        }
        if (chunk > 0) chunks.Add((chunk, ChunkType.Data));
        return chunks;
    }

    private static byte[] Sample(int seed)
    {
        var random = new Random(seed);
        var parts = new List<byte[]>();
        for (var p = 0; p < 40; p++)
        {
            var kind = random.Next(6);
            var size = kind switch { 0 => random.Next(1020, 1030), 1 => random.Next(1, 2000), 2 => random.Next(5000, 20000), _ => random.Next(1, 200_000) };
            var bytes = new byte[size];
            if (kind >= 2)
            {
                random.NextBytes(bytes);
                if (kind == 3) for (var z = 0; z < size; z += random.Next(1, 40)) bytes[z] = 0; // sprinkled short zero runs
            }
            parts.Add(bytes);
        }
        return parts.SelectMany(x => x).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Boundaries_equal_the_reference_port_however_the_input_is_sliced(int seed)
    {
        var file = Sample(seed);
        var expected = Reference(file);
        Assert.Contains(expected, c => c.Type == ChunkType.Zeros);
        Assert.True(expected.Count(c => c.Type == ChunkType.Data) > 5);

        var whole = new Recorder();
        var chunker = new ContentDefinedChunker(whole);
        chunker.Write(file);
        chunker.Finish();
        Assert.Equal(expected, whole.Chunks);
        Assert.Equal(file, whole.Bytes.ToArray());

        var random = new Random(seed * 31);
        var sliced = new Recorder();
        chunker = new ContentDefinedChunker(sliced);
        for (var at = 0; at < file.Length;)
        {
            var n = Math.Min(file.Length - at, random.Next(0, 3) == 0 ? random.Next(1, 5) : random.Next(1, 70_000));
            chunker.Write(file.AsSpan(at, n));
            at += n;
        }
        chunker.Finish();
        Assert.Equal(expected, sliced.Chunks);
        Assert.Equal(file, sliced.Bytes.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_hole_of_megabytes_is_one_zeros_chunk_and_the_data_after_it_cuts_as_the_reference_does(int seed)
    {
        // Densified sparse files have holes of any size; the chunker rolls only the first 64 zeros of a hole (the window is then
        // all zeros and the rollsum stands still), so the boundaries after it must still equal the byte-by-byte reference.
        var random = new Random(seed);
        var file = ChunkTestData.Concat(ChunkTestData.NonZero(random, 100_000), new byte[5 << 20], ChunkTestData.NonZero(random, 300_000), new byte[1024 + 63],
            ChunkTestData.NonZero(random, 70_000));
        var expected = Reference(file);
        Assert.Contains((5L << 20, ChunkType.Zeros), expected);
        foreach (var slices in new[] { new[] { file.Length }, [.. ChunkTestData.RandomSlices(random, file.Length).Select(s => s.Length)] })
        {
            var recorder = new Recorder();
            var chunker = new ContentDefinedChunker(recorder);
            var at = 0;
            foreach (var n in slices)
            {
                chunker.Write(file.AsSpan(at, n));
                at += n;
            }
            chunker.Finish();
            Assert.Equal(expected, recorder.Chunks);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1023, 0)]
    [InlineData(1024, 0)]
    [InlineData(5000, 0)]
    [InlineData(1023, 7)]
    [InlineData(1024, 7)]
    public void Zero_runs_at_the_edges_follow_the_threshold(int zeros, int tail)
    {
        var file = new byte[zeros + tail];
        for (var i = zeros; i < file.Length; i++) file[i] = (byte)(i + 1);
        var recorder = new Recorder();
        var chunker = new ContentDefinedChunker(recorder);
        chunker.Write(file);
        chunker.Finish();
        Assert.Equal(Reference(file), recorder.Chunks);
        if (zeros >= 1024) Assert.Equal((zeros, ChunkType.Zeros), recorder.Chunks[0]);
        if (file.Length == 0) Assert.Empty(recorder.Chunks);
    }

    [Fact]
    public void Each_file_starts_a_fresh_rollsum()
    {
        var file = Sample(9);
        var recorder = new Recorder();
        var chunker = new ContentDefinedChunker(recorder);
        chunker.Write(file);
        chunker.Finish();
        var first = recorder.Chunks.ToList();
        recorder.Chunks.Clear();
        chunker.Write(file);
        chunker.Finish();
        Assert.Equal(first, recorder.Chunks);
    }
}
