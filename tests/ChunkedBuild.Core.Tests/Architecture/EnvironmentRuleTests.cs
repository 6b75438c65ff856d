using System.Text.RegularExpressions;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Architecture;

/// <summary>
/// Core reads no environment: no variable, and no folder the system names from the environment (the temporary folder reads
/// <c>TMPDIR</c>, the special folders <c>HOME</c> and <c>XDG_*</c>). The edges (the tool, the MSBuild task) read the process environment
/// and resolve those folders once into <c>HostEnvironment</c> and <c>RegistrySettings</c> and pass them down (docs/design.md §7).
/// </summary>
public sealed partial class EnvironmentRuleTests
{
    [Fact]
    public void No_Core_source_reads_the_process_environment()
    {
        var core = Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Core");
        var reads = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => EnvironmentReads().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(RepoPaths.Root, f)}: {m.Value}"))
            .ToList();
        Assert.Empty(reads);
    }

    [Fact]
    public void The_rule_catches_every_way_of_reading_a_variable()
    {
        Assert.Equal(5, EnvironmentReads().Matches("""
            var a = Environment.GetEnvironmentVariable("X");
            var b = System.Environment.GetEnvironmentVariables();
            var c = Environment.ExpandEnvironmentVariables("%X%");
            var d = Path.GetTempPath();
            var e = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            """).Count);
        Assert.Empty(EnvironmentReads().Matches("var d = host.Variable(\"X\"); var e = Environment.ProcessorCount;"));
    }

    [GeneratedRegex(@"Environment\.(GetEnvironmentVariables?|ExpandEnvironmentVariables|GetFolderPath)\b|Path\.GetTempPath\b")]
    private static partial Regex EnvironmentReads();
}
