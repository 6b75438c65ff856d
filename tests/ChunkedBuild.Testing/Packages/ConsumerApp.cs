using System.Security;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Testing.Packages;

/// <summary>One <c>@(ChunkedImage)</c> item as the sample app's probe target wrote it.</summary>
public sealed record ChunkedImageItem(string Reference, string Tag, string Digest, string Variant, string MediaType);

/// <summary>What one <c>dotnet publish -t:PublishContainer</c> of the consumer app printed and reported.</summary>
/// <param name="Output">Standard output and error (minimal verbosity: warnings, errors and the task's summary lines).</param>
/// <param name="Images">The <c>@(ChunkedImage)</c> items, empty when the task did not run.</param>
public sealed record PublishRun(ProcessResult Process, string Output, IReadOnlyList<ChunkedImageItem> Images);

/// <summary>
/// The sample console app (<see cref="SdkContainerPublisher.AppSource"/>) as a user of the package sees it: a copy with a
/// <c>PackageReference</c> to ChunkedBuild.Tasks at the feed's version, a <c>nuget.config</c> with an isolated global packages folder
/// (the user's folder as a read-only fallback, so runtime packs are not fetched again), package source mapping (ChunkedBuild.* from the
/// local feed only) and a probe target that writes <c>@(ChunkedImage)</c> to <see cref="ImagesFile"/>.
/// </summary>
public sealed class ConsumerApp
{
    private ConsumerApp(string folder, string project)
    {
        Folder = folder;
        Project = project;
    }

    /// <summary>The app's folder.</summary>
    public string Folder { get; }

    /// <summary>The project file.</summary>
    public string Project { get; }

    /// <summary>Where the probe target writes the <c>@(ChunkedImage)</c> items (tab-separated).</summary>
    public string ImagesFile => Path.Combine(Folder, "chunked-images.txt");

    /// <summary>Copies the app to <paramref name="folder"/> and wires it to the package in <paramref name="feed"/>.</summary>
    public static ConsumerApp Create(string folder, TaskPackageFeed feed, string feedFolder)
    {
        var project = SdkContainerPublisher.CopyApp(folder);
        var userPackages = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        var fallback = Directory.Exists(userPackages)
            ? $"<fallbackPackageFolders><add key=\"user\" value=\"{SecurityElement.Escape(userPackages)}\" /></fallbackPackageFolders>"
            : "";
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(feed.PackagesFolder)}" />
              </config>
              {fallback}
              <packageSources>
                <clear />
                <add key="chunkedbuild-local" value="{SecurityElement.Escape(feedFolder)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="chunkedbuild-local"><package pattern="ChunkedBuild.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        var csproj = File.ReadAllText(project);
        csproj = csproj.Replace("</Project>", $"""
              <ItemGroup>
                <PackageReference Include="ChunkedBuild.Tasks" Version="{feed.Version}" PrivateAssets="all" />
              </ItemGroup>
              <Target Name="ProbeChunkedImages" AfterTargets="ChunkedConvertContainer">
                <WriteLinesToFile File="$(MSBuildProjectDirectory)/chunked-images.txt" Overwrite="true"
                                  Lines="@(ChunkedImage->'%(Reference)&#9;%(Tag)&#9;%(Digest)&#9;%(Variant)&#9;%(MediaType)')" />
              </Target>
            </Project>
            """, StringComparison.Ordinal);
        File.WriteAllText(project, csproj);
        return new ConsumerApp(folder, project);
    }

    /// <summary>
    /// Runs <c>dotnet publish -t:PublishContainer</c> with <paramref name="properties"/> (<c>-p:</c> arguments) against the fixture's
    /// registry; <see cref="PublishRun.Images"/> comes from the probe file of this run only.
    /// </summary>
    public PublishRun Publish(string registryHost, IEnumerable<string> properties, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (File.Exists(ImagesFile)) File.Delete(ImagesFile);
        var result = SdkContainerPublisher.RunPublish(Project, registryHost, properties, environment);
        var images = File.Exists(ImagesFile)
            ? File.ReadAllLines(ImagesFile).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(p => new ChunkedImageItem(p[0], p[1], p[2], p[3], p[4])).ToList()
            : [];
        return new PublishRun(result, result.StdOut + result.StdErr, images);
    }
}
