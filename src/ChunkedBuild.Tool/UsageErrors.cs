using System.CommandLine;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Tool;

/// <summary>
/// Reports a command line the parser refused, on stderr with exit code 2 (<see cref="ExitCodes.Usage"/>): each mistake as
/// <c>error CHB9001: …</c>, an unknown command or option with the nearest known names ("did you mean …?"), and the command to
/// run for help. A word that follows an unknown option is taken for its value and not echoed (it may be a secret given to a
/// mistyped <c>--creds</c>). Everything printed passes through <see cref="Redaction"/>.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Writes the report for <paramref name="parse"/> (which has errors) to <paramref name="error"/>.</summary>
    public static async Task<int> ReportAsync(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse);
        var unmatched = parse.UnmatchedTokens;
        var lines = new List<string>();
        var afterUnknownOption = false;
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (token.StartsWith('-'))
            {
                lines.Add($"unknown option '{token}' for '{path}'{DidYouMean(token, OptionNames(parse))}");
                afterUnknownOption = true;
            }
            else if (i == 0 && command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                lines.Add($"'{token}' is not a command of '{path}'{DidYouMean(token, command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)))}");
                // The rest belongs to the command that was meant, not to this one.
                break;
            }
            else if (!afterUnknownOption)
            {
                lines.Add($"unexpected argument '{token}' for '{path}'");
            }
            else
            {
                afterUnknownOption = false;
            }
        }
        foreach (var parseError in parse.Errors)
        {
            if (unmatched.Any(t => parseError.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (lines.Count > 0 && command.Subcommands.Count > 0 && command.Action is null) continue; // "Required command was not provided."
            lines.Add(parseError.Message.TrimEnd('.'));
        }
        foreach (var line in lines) await error.WriteLineAsync($"error {ErrorCodes.InvalidOption}: {Redaction.Text(line)}");
        await error.WriteLineAsync($"Run '{path} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>True when the command line names a command that only groups others (the root, <c>layer</c>) and nothing else: its help is the answer.</summary>
    public static bool IsBareGroup(ParseResult parse) =>
        parse.Errors.Count > 0 && parse.UnmatchedTokens.Count == 0 && parse.CommandResult.Command is { Subcommands.Count: > 0, Action: null }
        && parse.Errors.All(e => e.SymbolResult is null || e.SymbolResult == parse.CommandResult);

    private static string DidYouMean(string typed, IEnumerable<string> candidates)
    {
        var near = Suggestions.For(typed, candidates);
        return near.Count == 0 ? "" : $". Did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?";
    }

    /// <summary>The options valid where the parse stopped: the command's own and the recursive ones of its ancestors.</summary>
    private static IEnumerable<string> OptionNames(ParseResult parse)
    {
        var own = parse.CommandResult.Command.Options;
        var inherited = Ancestors(parse).SelectMany(c => c.Options).Where(o => o.Recursive);
        return own.Concat(inherited).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
    }

    private static IEnumerable<Command> Ancestors(ParseResult parse)
    {
        for (var result = parse.CommandResult.Parent; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult c) yield return c.Command;
        }
    }

    /// <summary><c>dotnet chunked layer convert</c> for the command the parse stopped in.</summary>
    private static string CommandPath(ParseResult parse) =>
        string.Join(' ', Ancestors(parse).Reverse().Append(parse.CommandResult.Command).Select(c => c is RootCommand ? "dotnet chunked" : c.Name));
}
