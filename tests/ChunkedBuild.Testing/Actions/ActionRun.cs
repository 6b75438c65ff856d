namespace ChunkedBuild.Testing.Actions;

/// <summary>How <see cref="CompositeActionRunner"/> runs an action.</summary>
public sealed record ActionRunOptions
{
    /// <summary>The working directory of every step (<c>github.workspace</c>, <c>GITHUB_WORKSPACE</c>).</summary>
    public required string Workspace { get; init; }

    /// <summary>The runner's temporary folder (<c>runner.temp</c>, <c>RUNNER_TEMP</c>); the runner's own files go in a subfolder.</summary>
    public required string RunnerTemp { get; init; }

    /// <summary>Variables added to the inherited environment, as a job's <c>env:</c> would (e.g. PATH with a shim first).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True (default): a required input without a value and without a default fails before any step runs. False: GitHub's
    /// own behaviour — a warning, and the input is empty, so the action's scripts must check it themselves.
    /// </summary>
    public bool EnforceRequiredInputs { get; init; } = true;

    /// <summary>The stand-ins for actions that <c>uses:</c> steps call, by name without the <c>@ref</c> (e.g. <c>actions/cache</c>).</summary>
    public IReadOnlyDictionary<string, IUsedAction> UsedActions { get; init; } = new Dictionary<string, IUsedAction>();

    /// <summary>The most one step may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>What a run of an action produced.</summary>
/// <param name="Succeeded">Whether every step exited 0.</param>
/// <param name="FailedStep">The name of the step that failed (later steps did not run), or null.</param>
/// <param name="ExitCode">The failed step's exit code, or 0.</param>
/// <param name="Outputs">The action's outputs (<c>outputs.*.value</c> expanded); empty when a step failed.</param>
/// <param name="StepOutputs">Each step id's outputs from <c>GITHUB_OUTPUT</c>.</param>
/// <param name="StepSummary">Every step's <c>GITHUB_STEP_SUMMARY</c> text, concatenated.</param>
/// <param name="Log">Each step's name, stdout and stderr, in order.</param>
/// <param name="Scripts">The expanded script of each step that ran.</param>
/// <param name="Warnings">Runner warnings (e.g. a required input not supplied when it is not enforced).</param>
public sealed record ActionRunResult(
    bool Succeeded,
    string? FailedStep,
    int ExitCode,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyDictionary<string, Dictionary<string, string>> StepOutputs,
    string StepSummary,
    string Log,
    IReadOnlyList<string> Scripts,
    IReadOnlyList<string> Warnings);
