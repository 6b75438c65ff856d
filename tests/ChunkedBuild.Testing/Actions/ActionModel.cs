namespace ChunkedBuild.Testing.Actions;

/// <summary>An input of an action: <c>inputs.&lt;id&gt;.{required,default}</c>.</summary>
/// <param name="Id">The input id, e.g. <c>registry-username</c>.</param>
/// <param name="Required">Whether <c>required: true</c> is set.</param>
/// <param name="Default">The <c>default:</c> text (it may hold expressions), or null.</param>
public sealed record ActionInput(string Id, bool Required, string? Default);

/// <summary>An output of an action: <c>outputs.&lt;id&gt;.value</c>, an expression over <c>steps.*.outputs.*</c>.</summary>
/// <param name="Id">The output id.</param>
/// <param name="Value">The <c>value:</c> text.</param>
public sealed record ActionOutput(string Id, string Value);

/// <summary>A step of a composite action: a <c>run:</c> script, or a <c>uses:</c> call of another action.</summary>
/// <param name="Id">The step id, or null.</param>
/// <param name="Name">The display name (the run text or the used action when no name is given).</param>
/// <param name="Shell">The <c>shell:</c> value (only <c>bash</c> is supported; empty for a <c>uses:</c> step).</param>
/// <param name="Run">The script text, before expansion (empty for a <c>uses:</c> step).</param>
/// <param name="Environment">The step's <c>env:</c> map, before expansion, in file order.</param>
public sealed record ActionStep(string? Id, string Name, string Shell, string Run, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The <c>if:</c> condition, before evaluation, or null when the step always runs.</summary>
    public string? Condition { get; init; }

    /// <summary>The action a <c>uses:</c> step calls (e.g. <c>actions/cache@v4</c>), or null for a <c>run:</c> step.</summary>
    public string? Uses { get; init; }

    /// <summary>The <c>with:</c> inputs of a <c>uses:</c> step, before expansion, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> With { get; init; } = [];
}

/// <summary>
/// An action that composite actions call with <c>uses:</c> (e.g. <c>actions/cache</c>), played in process by the runner: it gets the
/// step's expanded <c>with:</c> inputs and returns the step's outputs, and may leave work for after the job's last step (GitHub's post
/// step, run only when every step succeeded).
/// </summary>
public interface IUsedAction
{
    /// <summary>Runs the step in <paramref name="workspace"/> with <paramref name="inputs"/> (input id → value).</summary>
    UsedActionResult Run(IReadOnlyDictionary<string, string> inputs, string workspace);
}

/// <summary>What a <see cref="IUsedAction"/> step produced.</summary>
/// <param name="Outputs">The step's outputs (<c>steps.&lt;id&gt;.outputs.*</c>).</param>
/// <param name="Log">What the step printed.</param>
/// <param name="Post">Work for after the last step of a successful run (returns what it printed), or null.</param>
public sealed record UsedActionResult(IReadOnlyDictionary<string, string> Outputs, string Log, Func<string>? Post = null);
