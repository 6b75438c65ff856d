namespace ChunkedBuild.Testing.Images;

/// <summary>
/// linux/amd64 images holding a .NET runtime layer (<see cref="DotnetRuntimeLayer"/>): the base <c>dotnet-base:1</c> (the test system layer
/// + the runtime layer, <c>PATH</c> and <c>DOTNET_VERSION</c> set, no entrypoint) that SDK publishes build on, or any layer stack with an
/// entrypoint (the benchmark's app image).
/// </summary>
public static class DotnetBaseImage
{
    /// <summary>The repository and tag the base is pushed as.</summary>
    public const string Reference = "dotnet-base:1";

    /// <summary>Writes the base (system layer + <paramref name="runtime"/>) into a new OCI layout folder, tagged <see cref="TestBaseImages.Tag"/>.</summary>
    public static TestBaseLayout Build(string folder, DotnetRuntimeImageLayer runtime) =>
        Write(folder, TestBaseImages.Tag, [TestLayers.System(TestPlatform.Amd64), runtime.Layer], runtime.Runtime.Version, entrypoint: null, workingDir: null);

    /// <summary>Builds the base under <paramref name="workFolder"/> and pushes it with skopeo as <c>&lt;registryHost&gt;/dotnet-base:1</c>; returns that reference.</summary>
    public static string Push(string registryHost, string workFolder, DotnetRuntimeImageLayer runtime)
    {
        var layout = Build(Path.Combine(workFolder, "dotnet-base-oci"), runtime);
        var reference = $"{registryHost}/{Reference}";
        Skopeo.Copy(layout.SkopeoReference, "docker://" + reference);
        return reference;
    }

    /// <summary>
    /// Writes a single-manifest linux/amd64 OCI layout of <paramref name="layers"/> (base first) tagged <paramref name="tag"/>, whose config
    /// sets <c>PATH</c>, <c>DOTNET_VERSION</c>, <paramref name="env"/> and, when given, <c>Entrypoint</c> and <c>WorkingDir</c>.
    /// </summary>
    /// <param name="env">More <c>NAME=value</c> entries appended to <c>Env</c> (e.g. the official images' <c>APP_UID</c>).</param>
    public static TestBaseLayout Write(string folder, string tag, IReadOnlyList<TestLayer> layers, string dotnetVersion, IReadOnlyList<string>? entrypoint, string? workingDir,
        IReadOnlyList<string>? env = null)
    {
        var layout = new OciLayoutBuilder(folder);
        var config = layout.AddBlob(OciLayoutBuilder.ConfigMediaType, OciLayoutBuilder.Json(w =>
        {
            w.WriteString("architecture", "amd64");
            w.WriteString("os", "linux");
            w.WriteStartObject("config");
            w.WriteStartArray("Env");
            w.WriteStringValue("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            w.WriteStringValue("DOTNET_VERSION=" + dotnetVersion);
            foreach (var e in env ?? []) w.WriteStringValue(e);
            w.WriteEndArray();
            if (entrypoint is not null)
            {
                w.WriteStartArray("Entrypoint");
                foreach (var a in entrypoint) w.WriteStringValue(a);
                w.WriteEndArray();
            }
            if (workingDir is not null) w.WriteString("WorkingDir", workingDir);
            w.WriteEndObject();
            OciLayoutBuilder.WriteRootFsAndHistory(w, layers, i => $"ChunkedBuild.Testing.Images.DotnetBaseImage: layer {i}");
        }));
        var manifest = layout.AddManifest(config, layers.Select(l => layout.AddBlob(OciLayoutBuilder.GzipLayerMediaType, l.Gzip)).ToList());
        layout.WriteIndexJson(manifest, tag);
        return new TestBaseLayout(folder, tag, manifest);
    }
}
