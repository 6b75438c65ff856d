using System.Globalization;
using System.Text.Json;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Corpus;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>
/// The oracle of <c>tests/oracle</c> against the checker it replaced (refcheck, the project's earlier outside oracle, kept
/// outside the repository): on every conformance case, in both formats, each reader judges the correct blob and blobs
/// made wrong on purpose, and both must give the same verdict, exit code, DiffID and TOC digest. Runs only when
/// CHUNKEDBUILD_REFCHECK names a refcheck binary (a one-time check before the switch; tests/oracle/README.md records
/// the result).
/// </summary>
public sealed class OracleCrossCheckTests(TarCorpus corpus)
{
    private const string RefCheckVariable = "CHUNKEDBUILD_REFCHECK";

    private static string? RefCheckBinary =>
        Environment.GetEnvironmentVariable(RefCheckVariable) is { Length: > 0 } path && File.Exists(path) ? path : null;

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task Oracle_and_refcheck_give_the_same_verdicts(TarCorpusCase corpusCase)
    {
        Assert.SkipWhen(RefCheckBinary is null, $"{RefCheckVariable} does not name a refcheck binary");
        var built = corpus.Get(corpusCase);
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        // An input with other entries (with or without the big files) for the "wrong input tar" case.
        var other = corpus.Get(TarCorpus.AllCases().First(c => c.WithBigFiles != corpusCase.WithBigFiles)).Path;
        var folder = Directory.CreateTempSubdirectory("chb-crosscheck-").FullName;
        var disagreements = new List<string>();
        try
        {
            foreach (var format in new[] { "zstd-chunked", "estargz" })
            {
                var layer = await ConvertedLayer.ConvertAsync(LayerFormats.Get(format), tar, new FormatOptions { TempDirectory = Path.GetTempPath() });
                foreach (var (name, blob, arguments, expected) in Cases(format, layer, built.Path, other))
                {
                    var path = Path.Combine(folder, $"{format}-{name}.blob");
                    await File.WriteAllBytesAsync(path, blob, TestContext.Current.CancellationToken);
                    var args = arguments(path);
                    var ours = RefCheck.Run(args);
                    var theirs = RefCheck.RunBinary(RefCheckBinary!, args);
                    var ourVerdict = Verdict(ours, "stream", "container");
                    var theirVerdict = Verdict(theirs, null, null);
                    if (ourVerdict != theirVerdict)
                        disagreements.Add($"{format} {name}: oracle {ourVerdict} [{Errors(ours)}] vs refcheck {theirVerdict} [{Errors(theirs)}]");
                    else if (expected is { } ok && ours.Ok != ok)
                        disagreements.Add($"{format} {name}: both readers say ok={ours.Ok}, expected ok={ok} [{Errors(ours)}]");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Assert.True(disagreements.Count == 0, $"{corpusCase}:\n{string.Join('\n', disagreements)}");
    }

    /// <summary>
    /// The correct blob and the wrong ones, each with the command line that judges it and the verdict both must give (null
    /// where it depends on the case: a flipped byte may land in bytes no reader looks at; VerifyTOC refuses missing chunk
    /// digests only in a layer with chunk entries).
    /// </summary>
    private static IEnumerable<(string Name, byte[] Blob, Func<string, string[]> Arguments, bool? Ok)> Cases(string format, ConvertedLayer layer, string tarPath, string otherTar)
    {
        var r = layer.Result;
        var zstd = format == "zstd-chunked";
        string[] Check(string path, string? tocDigest = null, string? diffId = null, string? tar = null, bool lenient = true, string? tarSplitPosition = null,
            string? size = null) => zstd
            ?
            [
                "zstdchunked", path, "--toc-digest", tocDigest ?? r.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
                "--manifest-checksum", r.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
                "--manifest-position", r.Annotations[ZstdChunkedSpec.ManifestPositionAnnotation],
                "--tarsplit-position", tarSplitPosition ?? r.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation],
                "--diffid", diffId ?? r.DiffId.ToString(), "--tar", tar ?? tarPath, .. lenient ? new[] { "--lenient-chunk-digests" } : [],
            ]
            :
            [
                "estargz", path, "--toc-digest", tocDigest ?? r.Annotations[EStargzSpec.TocDigestAnnotation], "--diffid", diffId ?? r.DiffId.ToString(),
                "--uncompressed-size", size ?? r.UncompressedSize.ToString(CultureInfo.InvariantCulture), "--tar", tar ?? tarPath,
            ];
        var flipped = (byte[])layer.Blob.Clone();
        flipped[flipped.Length / 3] ^= 0x5A;
        yield return ("as-written", layer.Blob, p => Check(p), true);
        yield return ("wrong-toc-digest", layer.Blob, p => Check(p, tocDigest: Digest.EmptySha256.ToString()), false);
        yield return ("wrong-diffid", layer.Blob, p => Check(p, diffId: Digest.EmptySha256.ToString()), false);
        yield return ("other-input-tar", layer.Blob, p => Check(p, tar: otherTar), false);
        yield return ("flipped-byte", flipped, p => Check(p), null);
        yield return ("truncated", layer.Blob[..^1], p => Check(p), false);
        if (zstd)
        {
            yield return ("strict-chunk-digests", layer.Blob, p => Check(p, lenient: false), null);
            yield return ("wrong-tarsplit-position", layer.Blob, p => Check(p, tarSplitPosition: "1:2:3"), false);
        }
        else
        {
            yield return ("wrong-uncompressed-size", layer.Blob, p => Check(p, size: "1"), false);
        }
    }

    /// <summary>Exit code, verdict, DiffID and TOC digest; the oracle nests the last two under the named objects.</summary>
    private static string Verdict(RefCheckResult result, string? streamObject, string? containerObject)
    {
        string Read(string? parent, string name)
        {
            if (result.Json is null) return "-";
            var root = result.Json.RootElement;
            if (parent is not null && !root.TryGetProperty(parent, out root)) return "-";
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) ? v.ToString() : "-";
        }
        return result.ExitCode == 0 ? $"exit 0 ok={result.Ok} diffid={Read(streamObject, "diffid")} toc={Read(containerObject, "toc_digest")}"
            : $"exit {result.ExitCode} ok={result.Ok}";
    }

    private static string Errors(RefCheckResult result) =>
        result.Json?.RootElement.TryGetProperty("errors", out var e) == true ? string.Join(" | ", e.EnumerateArray().Take(3).Select(x => x.GetString())) : result.StdErr.Trim();
}
