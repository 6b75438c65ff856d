using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Images;
using Xunit;

namespace ChunkedBuild.Core.Tests.Prioritization;

/// <summary>
/// The sample app (tests/ChunkedBuild.Testing/Apps/Hello, assembly name <c>Hello</c>) published for linux-x64 in Release, once per
/// test class and each variant on its first request: a regular framework-dependent publish (Hello, Hello.dll, Hello.deps.json,
/// Hello.runtimeconfig.json), a framework-dependent single-file one and a self-contained single-file one (Hello, Hello.pdb; the
/// self-contained one needs the runtime pack <c>microsoft.netcore.app.runtime.linux-x64</c> from the NuGet feed). The regular and the
/// framework-dependent single-file publish share one restore. When dotnet is missing, the requesting test is skipped.
/// </summary>
public sealed class SingleFileApps : IDisposable
{
    private const string AppName = "Hello";
    private readonly string _folder = Directory.CreateTempSubdirectory("chunkedbuild-single-file-").FullName;
    private readonly Lazy<string> _project;
    private readonly Lazy<string> _regular;
    private readonly Lazy<string> _frameworkDependent;
    private readonly Lazy<string> _selfContained;

    /// <summary>Prepares the lazy publishes; runs nothing.</summary>
    public SingleFileApps()
    {
        _project = new(() => SdkContainerPublisher.CopyApp(Path.Combine(_folder, "app")));
        _regular = new(() => Publish("regular", ["--self-contained", "false"]));
        _frameworkDependent = new(() =>
        {
            _ = _regular.Value; // restored there, for the same RID and self-containment
            return Publish("single-file-fd", ["--self-contained", "false", "-p:PublishSingleFile=true", "--no-restore"]);
        });
        _selfContained = new(() => Publish("single-file-sc", ["--self-contained", "true", "-p:PublishSingleFile=true"]));
    }

    /// <summary>The regular framework-dependent publish folder.</summary>
    public string Regular => Get(_regular);

    /// <summary>The framework-dependent single-file publish folder.</summary>
    public string FrameworkDependent => Get(_frameworkDependent);

    /// <summary>The self-contained single-file publish folder.</summary>
    public string SelfContained => Get(_selfContained);

    /// <summary>Deletes the published outputs.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Get(Lazy<string> lazy)
    {
        if (!ProcessRunner.IsOnPath("dotnet")) Assert.Skip("dotnet is not on PATH");
        return lazy.Value;
    }

    private string Publish(string variant, IReadOnlyList<string> options)
    {
        var output = Path.Combine(_folder, variant);
        var result = SdkContainerPublisher.RunDotnet(Path.GetDirectoryName(_project.Value)!,
            ["publish", _project.Value, "-c", "Release", "-r", "linux-x64", $"-p:AssemblyName={AppName}", "-o", output, "-nodeReuse:false", "-v:minimal", .. options]);
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(output, AppName)))
            throw new InvalidOperationException($"dotnet publish ({variant}) exited {result.ExitCode}:\n{result.StdOut}\n{result.StdErr}");
        return output;
    }
}
