using System.Text.RegularExpressions;
using System.Xml.Linq;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Architecture;

/// <summary>
/// The dependency rules of design.md §3, checked on the sources (namespaces used by each Core area) and on the project
/// files (what each shipped assembly references), like go-containerregistry's depcheck.
/// </summary>
public partial class DependencyRulesTests
{
    /// <summary>Core area → the other Core areas it may use. Errors and Json are shared foundations every area may use.</summary>
    private static readonly Dictionary<string, string[]> AllowedCoreAreas = new()
    {
        ["Oci"] = [],
        ["Tar"] = [],
        ["Compression"] = [],
        ["Formats"] = ["Tar", "Compression", "Oci"],
        ["Registry"] = ["Oci"],
        ["Prioritization"] = ["Oci", "Tar"],
        ["Conversion"] = ["Oci", "Tar", "Compression", "Formats", "Registry", "Prioritization"],
    };

    private static readonly string[] Foundations = ["Errors", "Json"];

    public static TheoryData<string> CoreAreas() => new(Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core"))
        .Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Select(n => n!));

    [Theory]
    [MemberData(nameof(CoreAreas))]
    public void Core_area_uses_only_the_areas_design_md_allows(string area)
    {
        if (Foundations.Contains(area)) return;
        Assert.True(AllowedCoreAreas.TryGetValue(area, out var allowed), $"Core area '{area}' is not in the dependency table of design.md §3; add it there and here");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core", area), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match m in CoreNamespaceUse().Matches(File.ReadAllText(file)))
            {
                var used = m.Groups[1].Value;
                if (used != area && !allowed.Contains(used) && !Foundations.Contains(used))
                    violations.Add($"{Path.GetRelativePath(RepoPaths.Root, file)} uses ChunkedBuild.Core.{used}");
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void Tar_and_oci_use_no_third_party_packages()
    {
        foreach (var area in new[] { "Tar", "Oci" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core", area), "*.cs", SearchOption.AllDirectories))
                Assert.DoesNotMatch(new Regex(@"\bZstdSharp\b|System\.Net\.Http"), File.ReadAllText(file));
        }
    }

    [Fact]
    public void Tasks_reference_core_and_msbuild_only_and_never_ship_msbuild()
    {
        var project = Load("src/ChunkedBuild.Tasks/ChunkedBuild.Tasks.csproj");
        Assert.DoesNotContain(ProjectReferences(project), r => r.Contains("ChunkedBuild.Tool", StringComparison.Ordinal));
        foreach (var package in project.Descendants("PackageReference"))
        {
            var id = package.Attribute("Include")!.Value;
            Assert.DoesNotContain("CommandLine", id);
            if (id.StartsWith("Microsoft.Build", StringComparison.Ordinal))
                Assert.Equal("runtime", package.Attribute("ExcludeAssets")?.Value);
        }
    }

    [Fact]
    public void Tool_does_not_reference_tasks_or_msbuild()
    {
        var project = Load("src/ChunkedBuild.Tool/ChunkedBuild.Tool.csproj");
        Assert.DoesNotContain(ProjectReferences(project), r => r.Contains("ChunkedBuild.Tasks", StringComparison.Ordinal));
        Assert.DoesNotContain(project.Descendants("PackageReference"), p => p.Attribute("Include")!.Value.StartsWith("Microsoft.Build", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_references_no_entry_point_project()
    {
        var refs = ProjectReferences(Load("src/ChunkedBuild.Core/ChunkedBuild.Core.csproj"));
        Assert.Empty(refs);
    }

    private static XDocument Load(string relative) => XDocument.Load(Path.Combine(RepoPaths.Root, relative));

    private static List<string> ProjectReferences(XDocument project) =>
        project.Descendants("ProjectReference").Select(p => p.Attribute("Include")!.Value).ToList();

    [GeneratedRegex(@"(?<!System\.)(?:ChunkedBuild\.Core\.|\b)(Oci|Tar|Compression|Formats|Registry|Prioritization|Conversion)\.[A-Z]")]
    private static partial Regex CoreNamespaceUse();
}
