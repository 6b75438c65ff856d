using System.CommandLine;
using ChunkedBuild.Core.Conversion.Planning;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>--link RATE,RTT</c>: the network the start-up estimate of <c>--startup</c> assumes.</summary>
public static class StartupLinkOption
{
    /// <summary>Creates the option (one instance per command).</summary>
    public static Option<string?> Create() => new("--link")
    {
        Description = $"With --startup: the link the time-to-start estimate assumes, RATE,RTT (default {LinkProfile.Default.ToSpec()}; e.g. 1gbit,5ms, 20mbit,80ms).",
    };

    /// <summary>The link the option names, or <see cref="LinkProfile.Default"/>; a malformed value throws CHB9001 (exit code 2).</summary>
    public static LinkProfile Parse(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? LinkProfile.Parse(text) : LinkProfile.Default;
}
