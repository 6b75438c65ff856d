using System.Text.RegularExpressions;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>What a new user meets first: the help, a bare command, and typos.</summary>
public sealed class CliUsageTests
{
    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Fact]
    public void Top_level_help_fits_a_screen_and_lists_each_command_and_the_exit_codes_once()
    {
        var help = ToolProcess.Run("--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal("", help.StdErr);
        Assert.InRange(help.StdOut.Split('\n').Length, 10, 40);
        Assert.Equal(1, Count(help.StdOut, "Exit codes:"));
        foreach (var command in new[] { "convert", "inspect", "verify", "layer", "push" })
            Assert.Matches(new Regex($@"^\s+{command}\b.*\S$", RegexOptions.Multiline), help.StdOut);
        // Command lists show one-line summaries, not each command's examples.
        Assert.DoesNotContain("--password-stdin < token.txt", help.StdOut);
    }

    [Theory]
    [InlineData("convert", "--variant", "dotnet chunked convert oci-archive:app.tar")]
    [InlineData("push", "--creds", "dotnet chunked push oci:out/app:1.0")]
    [InlineData("inspect", "--timeout", "dotnet chunked inspect oci:out/app:latest")]
    public void A_command_help_shows_its_options_and_examples_and_no_exit_code_paragraph(string command, string option, string example)
    {
        var help = ToolProcess.Run(command, "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains(option, help.StdOut);
        Assert.Contains(example, help.StdOut);
        Assert.Equal(0, Count(help.StdOut, "Exit codes:"));
    }

    [Fact]
    public void No_arguments_prints_the_help_on_stderr_with_exit_2()
    {
        var bare = ToolProcess.Run();

        Assert.Equal(2, bare.ExitCode);
        Assert.Equal("", bare.StdOut);
        Assert.Contains("Commands:", bare.StdErr);
        Assert.Contains("convert", bare.StdErr);
        Assert.DoesNotContain("error CHB9001", bare.StdErr);

        var group = ToolProcess.Run("layer");
        Assert.Equal(2, group.ExitCode);
        Assert.Contains("dotnet chunked layer convert", group.StdErr);
    }

    [Theory]
    [InlineData(new[] { "convrt", "a", "b" }, "'convrt' is not a command of 'dotnet chunked'. Did you mean 'convert'?")]
    [InlineData(new[] { "layer", "verfy", "x" }, "'verfy' is not a command of 'dotnet chunked layer'. Did you mean 'verify'?")]
    [InlineData(new[] { "convert", "a", "b", "--varient", "estargz" }, "unknown option '--varient' for 'dotnet chunked convert'. Did you mean '--variant'?")]
    [InlineData(new[] { "inspect", "x", "--jsn" }, "unknown option '--jsn' for 'dotnet chunked inspect'. Did you mean '--json'?")]
    public void Typos_get_a_did_you_mean_and_exit_2(string[] args, string expected)
    {
        var result = ToolProcess.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error CHB9001: " + expected, result.StdErr);
        Assert.Contains("--help' for usage.", result.StdErr);
        Assert.Equal(1, Count(result.StdErr, "error CHB9001"));
    }

    [Fact]
    public void The_value_after_a_mistyped_credential_option_is_never_echoed()
    {
        var result = ToolProcess.Run("push", "oci:x", "docker://127.0.0.1:1/app:1", "--cred", "ci:Typo-s3cret-pw");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean '--creds'?", result.StdErr);
        Assert.DoesNotContain("Typo-s3cret-pw", result.StdErr + result.StdOut);
    }
}
