using System.Formats.Tar;
using System.IO.Compression;
using System.Xml.Linq;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Bench;

/// <summary>An app of the start-up benchmark: its files on this machine and its image layer.</summary>
/// <param name="Name">What the bench prints.</param>
/// <param name="Folder">The published files (the layer's <c>/app</c>).</param>
/// <param name="Dll">The main assembly's file name.</param>
/// <param name="Layer">The <c>/app/…</c> layer.</param>
/// <param name="IsServer">True for the ASP.NET Core app (it runs until stopped).</param>
internal sealed record StartupApp(string Name, string Folder, string Dll, TestLayer Layer, bool IsServer);

/// <summary>The two apps the start-up benchmark images: the hello console app of <c>samples/images/hello</c> and the ASP.NET Core <c>samples/app</c>.</summary>
internal static class StartupApps
{
    /// <summary>The SDK-built app layer of <c>samples/images/hello</c> (as is), with its files extracted under <paramref name="work"/>.</summary>
    public static StartupApp Hello(string work)
    {
        var reader = new OciLayoutReader(Path.Combine(BenchOptions.RepoRoot(), "samples", "images", "hello"));
        var manifest = reader.ReadDocument<Manifest>(reader.Resolve("latest")).Value;
        var config = ImageConfig.Parse(reader.ReadBlob(manifest.Config.Digest));
        var app = manifest.Layers.Count - 1;
        var layer = new TestLayer(reader.ReadBlob(manifest.Layers[app].Digest), config.DiffIds[app].ToString());
        var root = Path.Combine(work, "hello-files");
        using (var tar = new TarReader(new GZipStream(new MemoryStream(layer.Gzip), CompressionMode.Decompress)))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var target = Path.Combine(root, entry.Name.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }
        return new StartupApp("hello (console)", Path.Combine(root, "app"), "hello.dll", layer, IsServer: false);
    }

    /// <summary>
    /// <c>samples/app</c> published framework-dependent for linux-x64 with the SDK (<c>dotnet publish -c Release</c>), from a copy under
    /// <paramref name="work"/> whose project drops the ChunkedBuild.Tasks package reference (the package is not packed in a bench run; it only
    /// converts the image after PublishContainer and changes no published file); its layer is <see cref="PublishedAppLayer.Build"/>.
    /// </summary>
    /// <param name="work">The work folder.</param>
    /// <param name="release">Null for samples/app as it is; else a next release: one C# line changed (the greeting names the release).</param>
    public static StartupApp SampleApp(string work, string? release = null)
    {
        var source = Path.Combine(BenchOptions.RepoRoot(), "samples", "app");
        var suffix = release is null ? "" : "-" + release;
        var copy = Path.Combine(work, "sample-app-src" + suffix, "SampleApp");
        Directory.CreateDirectory(copy);
        foreach (var name in new[] { "Program.cs", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.Copy(Path.Combine(source, name), Path.Combine(copy, name), overwrite: true);
        if (release is not null)
        {
            var program = Path.Combine(copy, "Program.cs");
            var text = File.ReadAllText(program);
            var changed = text.Replace("$\"hello from ", $"$\"hello ({release}) from ", StringComparison.Ordinal);
            if (changed == text) throw new InvalidOperationException("samples/app/Program.cs no longer has the greeting the next release changes");
            File.WriteAllText(program, changed);
        }
        var project = XDocument.Load(Path.Combine(source, "SampleApp.csproj"));
        project.Descendants("PackageReference").Where(e => (string?)e.Attribute("Include") == "ChunkedBuild.Tasks").Remove();
        foreach (var empty in project.Descendants("ItemGroup").Where(g => !g.HasElements).ToList()) empty.Remove();
        project.Save(Path.Combine(copy, "SampleApp.csproj"));
        // No package is restored: an empty source list, beside (not inside) the project so publish does not copy it.
        File.WriteAllText(Path.Combine(copy, "..", "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>\n");
        var output = Path.Combine(work, "sample-app" + suffix);
        var publish = ProcessRunner.Run("dotnet",
            ["publish", Path.Combine(copy, "SampleApp.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", output, "-nodeReuse:false", "-v:minimal"],
            workingDirectory: copy,
            environment: new Dictionary<string, string>
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["MSBUILDDISABLENODEREUSE"] = "1",
            },
            timeout: TimeSpan.FromMinutes(5));
        if (publish.ExitCode != 0 || !File.Exists(Path.Combine(output, "SampleApp.dll")))
            throw new InvalidOperationException($"dotnet publish samples/app failed ({publish.ExitCode}):\n{publish.StdOut}\n{publish.StdErr}");
        return new StartupApp("samples/app (ASP.NET Core)", output, "SampleApp.dll", PublishedAppLayer.Build(output), IsServer: true);
    }
}
