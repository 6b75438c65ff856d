using System.IO.Compression;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tests.Prioritization;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// A framework-dependent single-file app (<see cref="SingleFileApps"/>: the SDK's bundle, no <c>Hello.dll</c> beside it) as an image
/// converted end to end with <c>auto</c> prioritization: the layer listing keeps the executable, the planner reads its bundle, and the
/// eStargz app layer puts the executable before its prefetch landmark while the runtime layer prioritizes the shared runtime.
/// </summary>
public sealed class SingleFileImageConversionTests(SingleFileApps apps) : IClassFixture<SingleFileApps>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-single-file-image-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_bundle_executable_and_the_shared_runtime_come_first_and_the_output_passes_refcheck()
    {
        var published = apps.FrameworkDependent;
        var runtime = DotnetRuntimeLayer.Build(null, out var reason) ?? throw new InvalidOperationException(reason);
        var source = Path.Combine(_root, "src");
        DotnetBaseImage.Write(source, "sf", [TestLayers.System(TestPlatform.Amd64), runtime.Layer, PublishedAppLayer.Build(published, CompressionLevel.Fastest)], runtime.Runtime.Version,
            entrypoint: ["/app/Hello"], workingDir: "/app/");

        var output = Path.Combine(_root, "out");
        var transports = new ImageTransports(null, null);
        ConversionResult result;
        await using (var src = transports.OpenSource("oci:" + source + ":sf"))
        await using (var sink = transports.OpenSink("oci:" + output + ":sf", out _))
            result = await new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), Prioritization = PrioritizationMode.Auto, Tags = ["sf"] })
                .ConvertAsync(src, sink, TestContext.Current.CancellationToken);

        var plan = Assert.Single(result.Plans).Value;
        Assert.Null(plan.Reason);
        Assert.Equal("/app/Hello", plan.Paths[0]);
        var framework = $"/usr/share/dotnet/shared/Microsoft.NETCore.App/{runtime.Runtime.Version}";
        Assert.Contains($"{framework}/libcoreclr.so", plan.Paths);
        Assert.Contains($"{framework}/System.Private.CoreLib.dll", plan.Paths);
        Assert.DoesNotContain(plan.Paths, p => p.EndsWith(".pdb", StringComparison.Ordinal));
        ConvertedImageVerifier.Verify(output, "sf");

        var reader = new OciLayoutReader(output);
        var estargz = ConvertedImageVerifier.Manifests(reader, reader.Resolve("sf")).First();
        var layers = reader.ReadDocument<Manifest>(estargz).Value.Layers;
        var app = ConvertedImageVerifier.EStargzEntryNames(reader, layers[2]);
        Assert.Equal(["app/Hello"], app.Take(app.IndexOf(".prefetch.landmark")).Where(n => !n.EndsWith('/')));
        var runtimeNames = ConvertedImageVerifier.EStargzEntryNames(reader, layers[1]);
        var landmark = runtimeNames.IndexOf(".prefetch.landmark");
        Assert.InRange(runtimeNames.IndexOf(framework.TrimStart('/') + "/System.Private.CoreLib.dll"), 0, landmark - 1);
    }
}
