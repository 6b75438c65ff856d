using System.Text.RegularExpressions;
using System.Xml.Linq;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/design.md §3, checked on the sources (namespaces used by each Core area) and on the project
/// files (what each shipped assembly references), like go-containerregistry's depcheck. The Core area table is read from
/// docs/design.md itself, so the document and the test cannot drift apart.
/// </summary>
public partial class DependencyRulesTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, AreaRule>> Rules = new(ReadRules);

    public static TheoryData<string> CoreAreas() => new(Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core"))
        .Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Select(n => n!));

    [Fact]
    public void Design_md_has_a_dependency_table()
    {
        Assert.Contains(Rules.Value.Values, r => r.IsFoundation);
        Assert.Contains(Rules.Value.Values, r => !r.IsFoundation && r.MayUse.Count > 0);
        foreach (var (area, rule) in Rules.Value)
            Assert.All(rule.MayUse, used => Assert.True(Rules.Value.ContainsKey(used), $"docs/design.md §3: '{area}' may use '{used}', which has no row"));
    }

    [Theory]
    [MemberData(nameof(CoreAreas))]
    public void Core_area_uses_only_the_areas_design_md_allows(string area)
    {
        Assert.True(Rules.Value.TryGetValue(area, out var rule), $"Core area '{area}' has no row in the dependency table of docs/design.md §3; add it there");
        if (rule.IsFoundation) return;
        var areas = string.Join('|', Rules.Value.Keys.Select(Regex.Escape));
        var uses = new Regex($@"(?<!System\.)(?:ChunkedBuild\.Core\.({areas})\b|\b({areas})\.[A-Z])");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core", area), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match m in uses.Matches(File.ReadAllText(file)))
            {
                var used = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                if (used != area && !rule.MayUse.Contains(used) && !Rules.Value[used].IsFoundation)
                    violations.Add($"{Path.GetRelativePath(RepoPaths.Root, file)} uses ChunkedBuild.Core.{used}");
            }
        }
        Assert.Empty(violations);
    }


    [Fact]
    public void Design_md_has_a_row_for_each_sub_area_of_an_area_that_has_one()
    {
        foreach (var area in SubAreaRules.Value.Keys.Select(AreaOf).Distinct())
        {
            foreach (var folder in Directory.GetDirectories(Path.Combine(CoreRoot, area)).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")))
                Assert.True(SubAreaRules.Value.ContainsKey($"{area}/{folder}"), $"'{area}/{folder}' has no row in the sub-area table of docs/design.md §3; add it there");
        }
        foreach (var (subArea, mayUse) in SubAreaRules.Value)
            Assert.All(mayUse, used => Assert.True(SubAreaRules.Value.ContainsKey(used) && AreaOf(used) == AreaOf(subArea), $"docs/design.md §3: '{subArea}' may use '{used}', which is no sibling with a row"));
    }

    [Fact]
    public void Sub_areas_use_only_the_siblings_design_md_allows()
    {
        var violations = new List<string>();
        foreach (var (subArea, mayUse) in SubAreaRules.Value)
        {
            var siblings = SubAreaRules.Value.Keys.Where(s => AreaOf(s) == AreaOf(subArea) && s != subArea && !mayUse.Contains(s));
            foreach (var file in SourceFiles(Path.Combine(CoreRoot, subArea), SearchOption.AllDirectories))
            {
                var source = File.ReadAllText(file);
                violations.AddRange(siblings.Where(s => SubAreaUse(s).IsMatch(source)).Select(s => $"{Path.GetRelativePath(RepoPaths.Root, file)} uses {s}"));
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void Nothing_outside_a_transport_reaches_its_internals()
    {
        var violations = new List<string>();
        foreach (var (folder, front) in TransportFronts)
        {
            var inside = Path.Combine(CoreRoot, folder) + Path.DirectorySeparatorChar;
            var internals = TypesDeclaredIn(inside).Except(front).ToList();
            Assert.NotEmpty(internals);
            foreach (var file in SourceFiles(Path.Combine(RepoPaths.Root, "src"), SearchOption.AllDirectories).Where(f => !f.StartsWith(inside, StringComparison.Ordinal)))
                violations.AddRange(TypesNamed(File.ReadAllText(file), internals).Select(type => $"{Path.GetRelativePath(RepoPaths.Root, file)} uses {folder}'s {type}"));
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void The_transport_rule_catches_an_internal_and_lets_the_front_pass()
    {
        var internals = TypesDeclaredIn(Path.Combine(CoreRoot, "Transports", "Layout")).Except(TransportFronts["Transports/Layout"]).ToList();
        Assert.Equal(["OciLayoutReader"], TypesNamed("var layout = new OciLayoutReader(path);", internals));
        Assert.Empty(TypesNamed("// an OciLayoutReader in a comment\nIImageSink sink = new OciLayoutSink(path, name, replace);", internals));
    }

    [Fact]
    public void Inspection_reads_images_without_the_converters_machinery()
    {
        var violations = SourceFiles(Path.Combine(CoreRoot, "Inspection"), SearchOption.AllDirectories)
            .SelectMany(f => ConverterMachinery().Matches(Code(File.ReadAllText(f))).Select(m => $"{Path.GetRelativePath(RepoPaths.Root, f)} uses {m.Value}"));
        Assert.Empty(violations);
    }

    [Fact]
    public void Nothing_outside_Formats_reaches_a_format()
    {
        var formats = Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core", "Formats") + Path.DirectorySeparatorChar;
        var outside = SourceFiles(Path.Combine(RepoPaths.Root, "src"), SearchOption.AllDirectories).Where(f => !f.StartsWith(formats, StringComparison.Ordinal));
        Assert.Empty(outside.SelectMany(f => FormatKnowledge(File.ReadAllText(f)).Select(use => $"{Path.GetRelativePath(RepoPaths.Root, f)} uses {use}")));
    }

    [Fact]
    public void Formats_root_reaches_a_single_format_only_through_the_registry()
    {
        var root = SourceFiles(Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core", "Formats"), SearchOption.TopDirectoryOnly)
            .Where(f => Path.GetFileName(f) != RegistryFile);
        Assert.Empty(root.SelectMany(f => FormatKnowledge(File.ReadAllText(f)).Select(use => $"{Path.GetRelativePath(RepoPaths.Root, f)} uses {use}")));
    }

    [Fact]
    public void The_format_rule_catches_a_format_type_a_format_namespace_and_a_format_name()
    {
        Assert.Equal(["EStargzSpec"], FormatKnowledge("var toc = EStargzSpec.TocName;"));
        Assert.Equal(["ZstdChunkedPosition"], FormatKnowledge("ZstdChunkedPosition? p = null;"));
        Assert.Equal(["Formats.ZstdChunked"], FormatKnowledge("using ChunkedBuild.Core.Formats.ZstdChunked;"));
        Assert.Equal(["\"zstd:chunked\""], FormatKnowledge("if (kind == \"zstd:chunked\") return;"));
        // What the registry hands out is not a format's internals.
        Assert.Empty(FormatKnowledge("var f = LayerFormats.EStargz; var v = LayerVariant.ZstdChunked; var d = LayerFormats.Detect(layer)?.DisplayName;"));
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

    private static string CoreRoot => Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core");

    /// <summary>
    /// What the rest of <c>src/</c> may name of each transport folder: its sources, its sinks and its spec file of names (docs/design.md §3).
    /// Everything else declared there (readers, writers, the merge, file access) is the transport's own.
    /// </summary>
    private static readonly Dictionary<string, string[]> TransportFronts = new(StringComparer.Ordinal)
    {
        ["Transports/Layout"] = ["OciLayoutSource", "OciLayoutSink", "OciArchiveSink", "ExistingArchive", "OciLayoutFiles"],
        ["Transports/Archive"] = ["DockerArchiveSource", "DockerArchiveFiles"],
    };

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<string>>> SubAreaRules = new(ReadSubAreaRules);

    private static string AreaOf(string subArea) => subArea[..subArea.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>A use of <paramref name="subArea"/>'s namespace (<c>Prioritization/Dotnet</c> → <c>Prioritization.Dotnet</c>).</summary>
    private static Regex SubAreaUse(string subArea) => new($@"\b{Regex.Escape(subArea.Replace('/', '.'))}\b");

    /// <summary>The names of the types declared in the files of <paramref name="folder"/>.</summary>
    private static HashSet<string> TypesDeclaredIn(string folder) =>
        [.. SourceFiles(folder, SearchOption.AllDirectories).SelectMany(f => TypeDeclaration().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))];

    /// <summary>Which of <paramref name="types"/> <paramref name="source"/> names outside comments.</summary>
    private static List<string> TypesNamed(string source, IReadOnlyCollection<string> types)
    {
        var code = Code(source);
        return [.. types.Where(type => Regex.IsMatch(code, $@"\b{Regex.Escape(type)}\b")).Order(StringComparer.Ordinal)];
    }

    /// <summary><paramref name="source"/> without its comment lines (documentation included).</summary>
    private static string Code(string source) =>
        string.Join('\n', source.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));

    /// <summary>The rows of the sub-area table in docs/design.md §3: <c>| `Area/Sub` | `Area/Other` or — | sub-area |</c>.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadSubAreaRules()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "design.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## 3. ", StringComparison.Ordinal));
        var rules = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var row = SubAreaRow().Match(line);
            if (row.Success) rules.Add(row.Groups["area"].Value, [.. SubAreaName().Matches(row.Groups["uses"].Value).Select(m => m.Groups[1].Value)]);
        }
        Assert.NotEmpty(rules);
        return rules;
    }

    /// <summary>The file of <c>Formats/</c> that may name each format: the registry, <c>LayerFormats</c>.</summary>
    private const string RegistryFile = "LayerFormats.cs";

    /// <summary>
    /// What in <paramref name="source"/> knows a single format instead of asking the registry (docs/design.md §3): a format's types
    /// (<c>EStargz…</c>, <c>ZstdChunked…</c>), its namespace, or a format name spelled as a literal.
    /// </summary>
    private static List<string> FormatKnowledge(string source) => [.. FormatInternals().Matches(source).Select(m => m.Value)];

    private static IEnumerable<string> SourceFiles(string folder, SearchOption depth) =>
        Directory.EnumerateFiles(folder, "*.cs", depth).Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private static XDocument Load(string relative) => XDocument.Load(Path.Combine(RepoPaths.Root, relative));

    private static List<string> ProjectReferences(XDocument project) =>
        project.Descendants("ProjectReference").Select(p => p.Attribute("Include")!.Value).ToList();

    /// <summary>The rows of the table in docs/design.md §3: <c>| `Area` | `Other`, `Areas` or — | area or foundation |</c>.</summary>
    private static IReadOnlyDictionary<string, AreaRule> ReadRules()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "design.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## 3. ", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/design.md has no section '## 3.' (the dependency rules)");
        var rules = new Dictionary<string, AreaRule>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var row = TableRow().Match(line);
            if (!row.Success) continue;
            var role = row.Groups["role"].Value.Trim();
            Assert.True(role is "area" or "foundation", $"docs/design.md §3: the role of '{row.Groups["area"].Value}' must be 'area' or 'foundation', not '{role}'");
            rules.Add(row.Groups["area"].Value,
                new AreaRule([.. Backticked().Matches(row.Groups["uses"].Value).Select(m => m.Groups[1].Value)], role == "foundation"));
        }
        return rules;
    }

    /// <summary>What one Core area may use, and whether it is a foundation every area may use.</summary>
    private sealed record AreaRule(IReadOnlyList<string> MayUse, bool IsFoundation);

    [GeneratedRegex(@"^\|\s*`(?<area>\w+)`\s*\|(?<uses>[^|]*)\|(?<role>[^|]*)\|\s*$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"\b(?:EStargz|ZstdChunked)[A-Z]\w*|\bFormats\.(?:EStargz|ZstdChunked)\b|""(?:estargz|zstd-chunked|zstd:chunked)""")]
    private static partial Regex FormatInternals();

    [GeneratedRegex(@"`(\w+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^\|\s*`(?<area>\w+/\w+)`\s*\|(?<uses>[^|]*)\|\s*sub-area\s*\|\s*$")]
    private static partial Regex SubAreaRow();

    [GeneratedRegex(@"`(\w+/\w+)`")]
    private static partial Regex SubAreaName();

    [GeneratedRegex(@"^(?:(?:public|internal|private|protected|sealed|static|abstract|partial|readonly|file)\s+)*(?:class|record(?:\s+struct|\s+class)?|struct|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    /// <summary>What drives a conversion, which inspection never does (docs/design.md §3).</summary>
    [GeneratedRegex(@"\bConversion\.Reports\b|\b(?:ImageConverter|LayerScheduler|LayerTranscoder|VariantManifestBuilder|VariantPublisher)\b")]
    private static partial Regex ConverterMachinery();
}
