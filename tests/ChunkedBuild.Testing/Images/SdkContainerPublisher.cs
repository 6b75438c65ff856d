using System.Diagnostics;

namespace ChunkedBuild.Testing.Images;

/// <summary>How <see cref="SdkContainerPublisher"/> runs <c>dotnet publish -t:PublishContainer</c>.</summary>
public enum SdkContainerMode
{
    /// <summary>
    /// Single RID (linux-x64) on the OCI base <c>base:1</c>: the archive is an OCI image-layout tar whose
    /// <c>index.json</c> entry has an empty <c>"platform":{}</c>. About 4 s warm.
    /// </summary>
    Oci,

    /// <summary>
    /// Single RID on the Docker schema 2 base <c>base-docker:1</c> with the tags <c>1.0</c> and <c>latest</c>: the archive is a
    /// <c>docker load</c> tar (<c>manifest.json</c>, <c>&lt;hex&gt;.json</c>, <c>&lt;hex&gt;/layer.tar</c> holding gzip data). About 4 s warm.
    /// </summary>
    Docker,

    /// <summary>
    /// <c>RuntimeIdentifiers=linux-x64;linux-arm64</c> on the index <c>basemulti:1</c>: an OCI layout tar whose
    /// <c>index.json</c> points at a nested index of two platform manifests; shared base layers appear twice as
    /// duplicate tar entries. The slowest mode (two inner publishes, runtime packs restored): about 10 s warm.
    /// </summary>
    MultiRid,

    /// <summary>
    /// Single RID (linux-x64), framework-dependent, on <c>dotnet-base:1</c> (a base with a real .NET runtime layer, see
    /// <see cref="DotnetBaseImage"/>): an OCI layout tar, as <see cref="Oci"/>. Needs <see cref="PushedBaseImages.Dotnet"/> pushed first.
    /// </summary>
    DotnetBase,
}

/// <summary>An image archive written by the SDK's container tooling.</summary>
/// <param name="Mode">The mode that made it.</param>
/// <param name="ArchivePath">The tar file (uncompressed whatever its name).</param>
/// <param name="BaseImage">The <c>ContainerBaseImage</c> it was built on.</param>
/// <param name="Tags">The image tags (<c>ContainerImageTags</c>).</param>
/// <param name="Elapsed">How long the publish took (informational; never assert on it).</param>
public sealed record SdkContainerArchive(SdkContainerMode Mode, string ArchivePath, string BaseImage, IReadOnlyList<string> Tags, TimeSpan Elapsed);

/// <summary>
/// Publishes the sample console app (<c>tests/ChunkedBuild.Testing/Apps/Hello</c>, net10.0) as a container image archive
/// with the .NET SDK's built-in container tooling (docs/sdk-containers.md §1–2). The app is copied to a
/// folder outside the repository, beside empty <c>Directory.Build.props/.targets</c> and <c>Directory.Packages.props</c>,
/// so the repository's MSBuild settings never leak into it. The child gets <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>
/// (127.0.0.1 registries are not insecure by default), no MSBuild server, no node reuse, no telemetry.
/// </summary>
public static class SdkContainerPublisher
{
    /// <summary>The sample app's folder in the repository.</summary>
    public static string AppSource => Path.Combine(RepoPaths.Root, "tests", "ChunkedBuild.Testing", "Apps", "Hello");

    /// <summary>The image repository name the SDK derives from the app (its AssemblyName).</summary>
    public const string Repository = "hello";

    /// <summary>Environment variables an MSBuild-hosted test process may carry that would steer the child's SDK.</summary>
    private static readonly string[] InheritedMsBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "DOTNET_HOST_PATH"];

    /// <summary>
    /// Copies the sample app into <paramref name="destination"/> (created) with the Directory.* files that stop MSBuild from
    /// importing anything above it; returns the project file path. The props turn off the SDK's download of runtime packs for
    /// frameworks the app does not reference (a RID-specific restore otherwise fetches ASP.NET Core's too, about 40 MB per RID).
    /// </summary>
    public static string CopyApp(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var name in new[] { "Hello.csproj", "Program.cs" })
            File.Copy(Path.Combine(AppSource, name), Path.Combine(destination, name), overwrite: true);
        File.WriteAllText(Path.Combine(destination, "Directory.Build.props"), """
            <Project>
              <PropertyGroup>
                <DisableTransitiveFrameworkReferenceDownloads>true</DisableTransitiveFrameworkReferenceDownloads>
              </PropertyGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(destination, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(destination, "Directory.Packages.props"), "<Project />\n");
        return Path.Combine(destination, "Hello.csproj");
    }

    /// <summary>
    /// Publishes a copy of the sample app (made under <paramref name="workFolder"/>) in <paramref name="mode"/> on the
    /// base images in <paramref name="bases"/>; throws with the build output when the publish fails or writes no archive.
    /// </summary>
    public static SdkContainerArchive Publish(SdkContainerMode mode, PushedBaseImages bases, string workFolder)
    {
        var folder = Path.Combine(workFolder, mode.ToString().ToLowerInvariant());
        var project = CopyApp(Path.Combine(folder, "app"));
        var archive = Path.Combine(folder, "out", $"hello-{mode.ToString().ToLowerInvariant()}.tar");
        var (baseImage, tags, extra) = mode switch
        {
            SdkContainerMode.Oci => (bases.Oci, new[] { "latest" }, new[] { "-p:ContainerRuntimeIdentifier=linux-x64" }),
            SdkContainerMode.Docker => (bases.Docker, ["1.0", "latest"], ["-p:ContainerRuntimeIdentifier=linux-x64"]),
            SdkContainerMode.DotnetBase => (bases.Dotnet, ["latest"], ["-p:ContainerRuntimeIdentifier=linux-x64", "-p:SelfContained=false"]),
            _ => (bases.Multi, ["latest"], ["-p:RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        };
        List<string> properties =
        [
            $"-p:ContainerBaseImage={baseImage}",
            $"-p:ContainerArchiveOutputPath={archive}",
            $"-p:ContainerImageTags=\"{string.Join(';', tags)}\"",
            .. extra,
        ];
        var clock = Stopwatch.StartNew();
        var result = RunPublish(project, bases.RegistryHost, properties);
        clock.Stop();
        if (result.ExitCode != 0 || !File.Exists(archive))
            throw new InvalidOperationException(
                $"dotnet publish -t:PublishContainer ({mode}) exited {result.ExitCode}, archive {(File.Exists(archive) ? "written" : "missing")}:\n{result.StdOut}\n{result.StdErr}");
        return new SdkContainerArchive(mode, archive, baseImage, tags, clock.Elapsed);
    }

    /// <summary>
    /// Runs <c>dotnet publish &lt;project&gt; -t:PublishContainer -nodeReuse:false</c> plus <paramref name="msbuildArguments"/>
    /// with <paramref name="insecureRegistries"/> (<c>host:port</c>, <c>;</c>-separated) in the child's
    /// <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c> only. For tests that need their own properties or imports.
    /// </summary>
    public static ProcessResult RunPublish(string project, string insecureRegistries, IEnumerable<string> msbuildArguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string> { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = insecureRegistries };
        if (environment is not null)
        {
            foreach (var (k, v) in environment) variables[k] = v;
        }
        return RunDotnet(Path.GetDirectoryName(project)!, ["publish", project, "-t:PublishContainer", "-nodeReuse:false", "-v:minimal", .. msbuildArguments], variables);
    }

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> as a clean child: without the MSBuild
    /// variables a test host may carry, no MSBuild server, no node reuse, no telemetry, plus <paramref name="environment"/>; 5 minutes at most.
    /// </summary>
    public static ProcessResult RunDotnet(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var name in InheritedMsBuildVariables) psi.Environment.Remove(name);
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', psi.ArgumentList)} did not finish in 5 minutes");
        }
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
