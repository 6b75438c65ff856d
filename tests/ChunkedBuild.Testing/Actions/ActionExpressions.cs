using System.Text.RegularExpressions;

namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// The values <c>${{ … }}</c> expressions may read while an action runs. Context names and keys are case-insensitive,
/// as on GitHub.
/// </summary>
public sealed class ExpressionContext
{
    /// <summary>Input values after defaults (<c>inputs.&lt;id&gt;</c>).</summary>
    public Dictionary<string, string> Inputs { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>github.*</c> values (e.g. <c>action_path</c>, <c>workspace</c>).</summary>
    public Dictionary<string, string> GitHub { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>runner.*</c> values (e.g. <c>temp</c>, <c>os</c>).</summary>
    public Dictionary<string, string> Runner { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every step id of the action; referring to another id is an error (a typo GitHub would turn into an empty string).</summary>
    public HashSet<string> StepIds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The outputs of the steps that ran (<c>steps.&lt;id&gt;.outputs.&lt;name&gt;</c>).</summary>
    public Dictionary<string, Dictionary<string, string>> StepOutputs { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Expands <c>${{ inputs.x }}</c>, <c>${{ github.action_path }}</c>, <c>${{ runner.temp }}</c> and
/// <c>${{ steps.&lt;id&gt;.outputs.&lt;name&gt;}}</c> as GitHub does: by pasting the value's text in place. Anything else (operators,
/// functions, other contexts, unknown inputs) throws, so a test cannot pass on an expression this runner does not understand.
/// </summary>
public static partial class ActionExpressions
{
    [GeneratedRegex(@"\$\{\{\s*(?<expr>.*?)\s*\}\}", RegexOptions.Singleline)]
    private static partial Regex Expression();

    [GeneratedRegex(@"^(?<context>[A-Za-z]+)\.(?<path>[A-Za-z0-9_.-]+)$")]
    private static partial Regex PropertyPath();

    /// <summary>Every expression in <paramref name="text"/> replaced by its value.</summary>
    public static string Expand(string text, ExpressionContext context) =>
        Expression().Replace(text, m => Evaluate(m.Groups["expr"].Value, context));

    /// <summary>True when <paramref name="text"/> holds an expression that reads <c>inputs</c>.</summary>
    public static bool ReadsInputs(string text) =>
        Expression().Matches(text).Any(m => m.Groups["expr"].Value.StartsWith("inputs.", StringComparison.OrdinalIgnoreCase));

    private static string Evaluate(string expression, ExpressionContext context)
    {
        var match = PropertyPath().Match(expression);
        if (!match.Success) throw new NotSupportedException($"expression '{expression}' is not supported by this runner (property paths only)");
        var path = match.Groups["path"].Value;
        switch (match.Groups["context"].Value.ToLowerInvariant())
        {
            case "inputs":
                return context.Inputs.TryGetValue(path, out var input) ? input : throw new KeyNotFoundException($"'{expression}': the action declares no input '{path}'");
            case "github":
                return context.GitHub.TryGetValue(path, out var github) ? github : throw new NotSupportedException($"'{expression}' is not provided by this runner");
            case "runner":
                return context.Runner.TryGetValue(path, out var runner) ? runner : throw new NotSupportedException($"'{expression}' is not provided by this runner");
            case "steps":
                var parts = path.Split('.');
                if (parts.Length != 3 || !parts[1].Equals("outputs", StringComparison.OrdinalIgnoreCase))
                    throw new NotSupportedException($"'{expression}': only steps.<id>.outputs.<name> is supported");
                if (!context.StepIds.Contains(parts[0])) throw new KeyNotFoundException($"'{expression}': the action has no step with id '{parts[0]}'");
                return context.StepOutputs.TryGetValue(parts[0], out var outputs) && outputs.TryGetValue(parts[2], out var value) ? value : "";
            default:
                throw new NotSupportedException($"context '{match.Groups["context"].Value}' in '{expression}' is not supported by this runner");
        }
    }
}
