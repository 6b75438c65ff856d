using System.Formats.Tar;
using System.Text.Json;
using ChunkedBuild.Core.Formats.Chunking;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Chunking;

/// <summary>
/// Compares our chunk boundaries with those of the real containers/storage 1.43 chunker (through
/// <c>chunkedoracle convert-cstorage</c>). Its TOC lists chunks like the current format: the <c>reg</c> entry carries chunk 0
/// (<c>chunkSize</c>, <c>chunkType</c>, no <c>chunkOffset</c>), <c>chunk</c> entries follow, and a file with a single chunk
/// has no chunk fields at all.
/// </summary>
public class CStorageChunkingCrossCheckTests
{
    [Fact]
    public void ChunksEqualContainersStorage()
    {
        var files = BuildFiles();
        var dir = Directory.CreateTempSubdirectory("chunkedbuild-cdc-");
        try
        {
            var tarPath = Path.Combine(dir.FullName, "in.tar");
            var blobPath = Path.Combine(dir.FullName, "out.blob");
            using (var stream = File.Create(tarPath))
            using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
            {
                foreach (var (name, content) in files)
                {
                    var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
                    writer.WriteEntry(entry);
                }
            }
            var convert = RefCheck.Run("convert-cstorage", tarPath, blobPath, "--level", "1");
            Assert.True(convert.ExitCode == 0, convert.ToString());
            var info = RefCheck.Run("info", blobPath, "--dump-toc");
            Assert.True(info.ExitCode == 0 && info.Json is not null, info.ToString());

            var theirs = ReadChunks(info.Json!.RootElement);
            foreach (var (name, content) in files)
            {
                var ours = Chunk(content);
                Assert.True(theirs.TryGetValue(name, out var reference), $"{name} missing from the c/storage TOC");
                if (reference.Count == 0)
                {
                    // c/storage writes no chunk fields for a file of one chunk (or an empty file).
                    Assert.True(ours.Count == (content.Length == 0 ? 0 : 1), $"{name}: c/storage saw one chunk, we cut {ours.Count}");
                    if (ours.Count == 1) Assert.Equal(new ChunkSpan(0, content.Length, ours[0].Type), ours[0]);
                }
                else
                {
                    Assert.True(reference.SequenceEqual(ours), $"{name}: ours [{string.Join(", ", ours)}] vs c/storage [{string.Join(", ", reference)}]");
                }
            }
            // The cases must actually exercise multi-chunk files of both types.
            Assert.Contains(theirs.Values, list => list.Any(c => c.Type == ChunkType.Zeros));
            Assert.Contains(theirs.Values, list => list.Count(c => c.Type == ChunkType.Data) >= 3);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<ChunkSpan> Chunk(byte[] content)
    {
        var sink = new RecordingChunkSink();
        var chunker = new ContentDefinedChunker(sink);
        foreach (var (start, length) in ChunkTestData.RandomSlices(new Random(content.Length), content.Length)) chunker.Write(content.AsSpan(start, length));
        chunker.Finish();
        return sink.TakeFile().Chunks;
    }

    private static List<(string Name, byte[] Content)> BuildFiles()
    {
        var rng = new Random(1431);
        var files = new List<(string, byte[])>
        {
            ("empty", []),
            ("one-data-chunk", ChunkTestData.NonZero(rng, 5000)),
            ("random-large", ChunkTestData.Random(rng, 2_500_000)),
            ("all-zeros-small", new byte[1000]),
            ("all-zeros-1023", new byte[1023]),
            ("all-zeros-1024", new byte[1024]),
            ("all-zeros-large", new byte[300_000]),
            ("mixed-1", ChunkTestData.Mixed(rng, 1_500_000)),
            ("mixed-2", ChunkTestData.Mixed(rng, 1_500_000)),
        };
        foreach (int run in new[] { 1000, 1023, 1024, 1025, 8192 })
        {
            files.Add(($"middle-{run}", ChunkTestData.Concat(ChunkTestData.Random(rng, 200_000), new byte[run], ChunkTestData.Random(rng, 150_000))));
            files.Add(($"start-{run}", ChunkTestData.Concat(new byte[run], ChunkTestData.Random(rng, 100_000))));
            files.Add(($"end-{run}", ChunkTestData.Concat(ChunkTestData.Random(rng, 100_000), new byte[run])));
            files.Add(($"small-{run}", ChunkTestData.Concat(ChunkTestData.NonZero(rng, 100), new byte[run], ChunkTestData.NonZero(rng, 100))));
        }
        // Files whose short zero runs hold a rollsum split (found by the reference model; see the unit tests).
        for (int seed = 0, found = 0; found < 3 && seed < 20_000; seed++)
        {
            var r = new Random(seed);
            int run = r.Next(200, 1024);
            var file = ChunkTestData.Concat(ChunkTestData.NonZero(r, 700), new byte[run], ChunkTestData.NonZero(r, 50));
            if (!ReferenceChunker.Chunk(file).Any(c => c.Offset > 700 && c.Offset < 700 + run)) continue;
            files.Add(($"split-in-zeros-{found++}", file));
        }
        return files;
    }

    // name → chunks from the TOC; an empty list when the file carries no chunk fields.
    private static Dictionary<string, List<ChunkSpan>> ReadChunks(JsonElement toc)
    {
        var result = new Dictionary<string, List<ChunkSpan>>();
        foreach (var entry in toc.GetProperty("entries").EnumerateArray())
        {
            string type = entry.GetProperty("type").GetString()!;
            string name = entry.GetProperty("name").GetString()!;
            if (type == "reg") result[name] = [];
            if (type is not ("reg" or "chunk") || !entry.TryGetProperty("chunkSize", out var size)) continue;
            long offset = entry.TryGetProperty("chunkOffset", out var o) ? o.GetInt64() : 0;
            var kind = entry.TryGetProperty("chunkType", out var t) && t.GetString() == "zeros" ? ChunkType.Zeros : ChunkType.Data;
            result[name].Add(new ChunkSpan(offset, size.GetInt64(), kind));
        }
        return result;
    }
}
