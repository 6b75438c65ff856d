using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Packages;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Tasks.Tests;

/// <summary>Checks of a converted image with outside and inside readers: skopeo, the oracle + DiffIDs, and the Core verifier.</summary>
public static class ConvertedImageAssert
{
    /// <summary>
    /// Asserts that the OCI layout (folder or tar) at <paramref name="layout"/> holds every tag in <paramref name="tags"/>, each an OCI
    /// index of <paramref name="manifests"/> manifests that skopeo reads, whose eStargz / zstd:chunked layers pass the oracle and decompress
    /// to their DiffIDs, and that <c>dotnet chunked verify</c>'s verifier accepts; returns the root descriptor per tag.
    /// </summary>
    public static Task<IReadOnlyDictionary<string, Descriptor>> LayoutAsync(string layout, string transport, IReadOnlyList<string> tags,
        int manifests, IReadOnlyList<string> kinds)
    {
        var reader = new OciLayoutReader(layout);
        var roots = new Dictionary<string, Descriptor>();
        foreach (var tag in tags)
        {
            var root = reader.Resolve(tag);
            roots[tag] = root;
            using (var raw = Skopeo.Inspect($"{transport}:{layout}:{tag}", raw: true))
            {
                var mediaType = raw.RootElement.GetProperty("mediaType").GetString();
                Assert.Equal(root.MediaType, mediaType);
                if (MediaTypes.IsIndex(root.MediaType)) Assert.Equal(manifests, raw.RootElement.GetProperty("manifests").GetArrayLength());
            }
            var layers = ConvertedImageVerifier.Verify(layout, tag);
            Assert.Equal(kinds.Order(), layers.Select(l => l.Kind).Distinct().Order());

            // `dotnet chunked verify`, run as users run it.
            var verify = ChunkedTool.Run("verify", $"{transport}:{layout}:{tag}", "--json");
            Assert.True(verify.ExitCode == 0, $"dotnet chunked verify exited {verify.ExitCode}:\n{verify.StdOut}\n{verify.StdErr}");
            using var verdicts = System.Text.Json.JsonDocument.Parse(verify.StdOut);
            Assert.True(verdicts.RootElement.GetProperty("ok").GetBoolean());
            Assert.NotEqual(0, verdicts.RootElement.GetProperty("layers").GetArrayLength());
        }
        return Task.FromResult<IReadOnlyDictionary<string, Descriptor>>(roots);
    }

    /// <summary>Asserts that <paramref name="run"/> succeeded, printing its output otherwise.</summary>
    public static void Succeeded(PublishRun run) =>
        Assert.True(run.Process.ExitCode == 0, $"dotnet publish exited {run.Process.ExitCode}:\n{run.Output}");
}
