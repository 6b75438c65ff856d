using Xunit;
using ChunkedBuild.Core.Prioritization.Manifests;

namespace ChunkedBuild.Core.Tests.Prioritization.Manifests;

public class PathPatternTests
{
    [Theory]
    [InlineData("/app/x.dll", "/app/x.dll", true)]
    [InlineData("app/x.dll", "/app/x.dll", true)]          // anchored at the root either way
    [InlineData("/app/x.dll", "/app/x.dl", false)]
    [InlineData("/app/*.json", "/app/a.json", true)]
    [InlineData("/app/*.json", "/app/.json", true)]
    [InlineData("/app/*.json", "/app/sub/a.json", false)]   // * stays within one segment
    [InlineData("/app/*", "/app", false)]
    [InlineData("/app/**", "/app/a/b/c.txt", true)]
    [InlineData("/app/**", "/app", true)]                   // ** is zero or more segments
    [InlineData("/app/**", "/application/x", false)]
    [InlineData("**/libcoreclr.so", "/libcoreclr.so", true)]
    [InlineData("**/libcoreclr.so", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1/libcoreclr.so", true)]
    [InlineData("**/libcoreclr.so", "/usr/lib/libcoreclr.so.1", false)]
    [InlineData("/usr/**/dotnet/*/x", "/usr/share/dotnet/host/x", true)]
    [InlineData("/usr/**/dotnet/*/x", "/usr/dotnet/host/x", true)]
    [InlineData("/usr/**/dotnet/*/x", "/usr/share/dotnet/x", false)]
    [InlineData("/a/**/**/b", "/a/b", true)]
    [InlineData("/a/?.so", "/a/x.so", true)]
    [InlineData("/a/?.so", "/a/xy.so", false)]
    [InlineData("/a/[abc].so", "/a/b.so", true)]
    [InlineData("/a/[abc].so", "/a/d.so", false)]
    [InlineData("/a/[a-c]*", "/a/cat", true)]
    [InlineData("/a/[!a-c]*", "/a/cat", false)]
    [InlineData("/a/[^a-c]*", "/a/dog", true)]
    [InlineData("/a/[]]", "/a/]", true)]
    [InlineData(@"/a/\*", "/a/*", true)]
    [InlineData(@"/a/\*", "/a/x", false)]
    [InlineData("/a/*x*y", "/a/axbxcy", true)]
    [InlineData("/a/*x*y", "/a/axbxcyz", false)]
    [InlineData("/**", "/anything/at/all", true)]
    public void Glob_semantics(string pattern, string path, bool matches) =>
        Assert.Equal(matches, PathPattern.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/app/a**", "whole segment")]
    [InlineData("/app/../x", "'..' segment")]
    [InlineData("/app/./x", "'.' segment")]
    [InlineData("/app/docs/", "ends with '/'")]
    [InlineData("/app/[ab", "unclosed '['")]
    [InlineData("/app/a]", "']' without '['")]
    [InlineData("/app/[z-a]", "reversed range")]
    [InlineData(@"/app/a\", "unfinished")]
    public void Bad_globs_are_refused_naming_the_rule(string pattern, string rule)
    {
        var e = Assert.Throws<FormatException>(() => PathPattern.Parse(pattern));
        Assert.Contains(rule, e.Message);
    }

    [Fact]
    public void Exact_patterns_are_normalized_paths()
    {
        Assert.Equal("/app/x.dll", PathPattern.Parse("app//x.dll").ExactPath);
        Assert.Equal("/a/*", PathPattern.Parse(@"/a/\*").ExactPath);
        Assert.Null(PathPattern.Parse("/a/*").ExactPath);
    }

    [Fact]
    public void Order_is_first_matching_pattern_then_image_order_and_excludes_win()
    {
        var prioritizer = new PathPrioritizer(
            ["/app/Main.dll", "/app/*.json", "**/*.so", "/app/**"],
            ["**/*.pdb", "/app/secret.json"]);
        string[] image =
        [
            "/lib/libz.so", "/app/b.json", "/app/Main.pdb", "/app/Lib.dll", "/app/a.json", "/app/Main.dll",
            "/app/secret.json", "/app/native/libx.so", "/etc/passwd", "/app/b.json",
        ];
        Assert.Equal(
            ["/app/Main.dll", "/app/b.json", "/app/a.json", "/lib/libz.so", "/app/native/libx.so", "/app/Lib.dll"],
            prioritizer.Order(image));
    }

    [Fact]
    public void An_exact_pattern_listed_later_than_a_glob_does_not_move_a_path_ahead()
    {
        var prioritizer = new PathPrioritizer(["/app/*.dll", "/app/Main.dll"]);
        Assert.Equal(0, prioritizer.FirstMatchingInclude("/app/Main.dll"));
        Assert.Equal(["/app/A.dll", "/app/Main.dll"], prioritizer.Order(["/app/A.dll", "/app/Main.dll"]));
    }
}
