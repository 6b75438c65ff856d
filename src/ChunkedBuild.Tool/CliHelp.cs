using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ChunkedBuild.Tool;

/// <summary>
/// A command with a one-line summary (its description, what command lists show) and the details its own
/// help adds after the options: what it does in full, the settings it reads, examples.
/// </summary>
public class CliCommand(string name, string summary, string details) : Command(name, summary)
{
    /// <summary>What <c>--help</c> of this command prints after its options.</summary>
    public string Details { get; } = details.TrimEnd();
}

/// <summary>
/// How help reads: System.CommandLine's own help (description, usage, arguments, options, subcommands with their one-line
/// summaries), then the command's <see cref="CliCommand.Details"/>; the top-level help ends with the exit codes, printed there
/// only. Help asked for goes to stdout (exit 0); help shown because no command was given goes to stderr (exit 2).
/// </summary>
internal sealed class CliHelp : SynchronousCommandLineAction
{
    private readonly HelpAction _standard = new();

    /// <summary>Installs the help on <paramref name="root"/>'s help option (which every subcommand inherits).</summary>
    public static void Configure(RootCommand root)
    {
        foreach (var help in root.Options.OfType<HelpOption>()) help.Action = new CliHelp();
    }

    /// <inheritdoc />
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        _standard.Invoke(parseResult);
        WriteDetails(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
        return ExitCodes.Ok;
    }

    /// <summary>Writes the help of the command <paramref name="parse"/> stopped in to <paramref name="output"/>.</summary>
    public static void Write(ParseResult parse, TextWriter output)
    {
        var help = parse.RootCommandResult.Command.Options.OfType<HelpOption>().First();
        var name = help.Aliases.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal)) ?? help.Name;
        var path = Path(parse).Append(name).ToArray();
        parse.RootCommandResult.Command.Parse(path).Invoke(new InvocationConfiguration { Output = output, Error = output });
    }

    private static void WriteDetails(Command command, TextWriter output)
    {
        if (command is CliCommand { Details.Length: > 0 } documented)
        {
            output.WriteLine(documented.Details);
            output.WriteLine();
        }
        if (command is RootCommand)
        {
            output.WriteLine("Run 'dotnet chunked <command> --help' for the options and examples of a command.");
            output.WriteLine();
            output.WriteLine(ExitCodes.Help);
        }
    }

    /// <summary>The names of the commands from the root down to where the parse stopped (the root excluded).</summary>
    private static IEnumerable<string> Path(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent) names.Push(result.Command.Name);
        return names;
    }
}
