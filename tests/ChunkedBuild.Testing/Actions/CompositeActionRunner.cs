using System.Text;

namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// Runs a <see cref="CompositeAction"/> outside GitHub the way GitHub's runner does: input defaults (and, optionally,
/// required-input checks), <c>if:</c> conditions (<see cref="ActionConditions"/>), <c>${{ … }}</c> expansion in <c>env:</c>,
/// <c>with:</c> and <c>run:</c>, each <c>run:</c> as <c>bash --noprofile --norc -eo pipefail &lt;script&gt;</c> in the workspace
/// with a fresh <c>GITHUB_OUTPUT</c> and <c>GITHUB_STEP_SUMMARY</c> per step, <c>GITHUB_ENV</c> and <c>GITHUB_PATH</c> carried to
/// later steps, <c>uses:</c> steps played by the <see cref="ActionRunOptions.UsedActions"/> (their post work after the last step of
/// a successful run), the first failing step ending the run, and the action's outputs mapped from <c>outputs.*.value</c>.
/// </summary>
public sealed class CompositeActionRunner(CompositeAction action, ActionRunOptions options)
{
    /// <summary>Runs the action with <paramref name="inputs"/> (input id → value).</summary>
    /// <exception cref="ArgumentException">An input the action does not declare, or (when enforced) a required input missing.</exception>
    public ActionRunResult Run(IReadOnlyDictionary<string, string> inputs)
    {
        var warnings = new List<string>();
        var context = Context(inputs, warnings);
        var runnerFiles = Directory.CreateDirectory(Path.Combine(options.RunnerTemp, "_runner_file_commands")).FullName;
        var envFile = Path.Combine(runnerFiles, "env");
        var pathFile = Path.Combine(runnerFiles, "path");
        File.WriteAllText(envFile, "");
        File.WriteAllText(pathFile, "");

        var log = new StringBuilder();
        var summary = new StringBuilder();
        var scripts = new List<string>();
        var posts = new List<(string Step, Func<string> Work)>();
        for (var index = 0; index < action.Steps.Count; index++)
        {
            var step = action.Steps[index];
            if (step.Condition is { } condition && !ActionConditions.IsTrue(condition, context))
            {
                log.Append("Skipped ").AppendLine(step.Name);
                continue;
            }
            if (step.Uses is { } uses)
            {
                var used = options.UsedActions.TryGetValue(uses.Split('@')[0], out var handler)
                    ? handler
                    : throw new NotSupportedException($"uses: {uses} has no stand-in in ActionRunOptions.UsedActions");
                var with = step.With.ToDictionary(p => p.Key, p => ActionExpressions.Expand(p.Value, context), StringComparer.OrdinalIgnoreCase);
                var outcome = used.Run(with, options.Workspace);
                log.Append("Run ").AppendLine(step.Name).Append(outcome.Log);
                if (step.Id is { } usedId) context.StepOutputs[usedId] = new Dictionary<string, string>(outcome.Outputs, StringComparer.OrdinalIgnoreCase);
                if (outcome.Post is { } post) posts.Add((step.Name, post));
                continue;
            }
            var outputFile = Path.Combine(runnerFiles, $"output-{index}");
            var summaryFile = Path.Combine(runnerFiles, $"step-summary-{index}");
            var scriptFile = Path.Combine(runnerFiles, $"step-{index}.sh");
            File.WriteAllText(outputFile, "");
            File.WriteAllText(summaryFile, "");
            var script = ActionExpressions.Expand(step.Run, context);
            scripts.Add(script);
            File.WriteAllText(scriptFile, script);

            var environment = new Dictionary<string, string>(options.Environment)
            {
                ["CI"] = "true",
                ["GITHUB_ACTIONS"] = "true",
                ["GITHUB_WORKSPACE"] = options.Workspace,
                ["GITHUB_ACTION_PATH"] = action.Folder,
                ["RUNNER_TEMP"] = options.RunnerTemp,
                ["RUNNER_OS"] = "Linux",
                ["GITHUB_OUTPUT"] = outputFile,
                ["GITHUB_STEP_SUMMARY"] = summaryFile,
                ["GITHUB_ENV"] = envFile,
                ["GITHUB_PATH"] = pathFile,
            };
            foreach (var (name, value) in CommandFile.Parse(File.ReadAllText(envFile))) environment[name] = value;
            var extraPath = File.ReadAllLines(pathFile).Where(l => l.Length > 0).Reverse().ToList();
            if (extraPath.Count > 0)
            {
                var path = environment.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH") ?? "";
                environment["PATH"] = string.Join(':', extraPath.Append(path));
            }
            foreach (var (name, value) in step.Environment) environment[name] = ActionExpressions.Expand(value, context);

            var result = ProcessRunner.Run("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], options.Workspace, environment, options.StepTimeout);
            log.Append("Run ").AppendLine(step.Name).Append(result.StdOut).Append(result.StdErr);
            summary.Append(File.ReadAllText(summaryFile));
            var outputs = CommandFile.Parse(File.ReadAllText(outputFile)).GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
            if (step.Id is { } id) context.StepOutputs[id] = outputs;
            if (result.ExitCode != 0)
                return new ActionRunResult(false, step.Name, result.ExitCode, new Dictionary<string, string>(), context.StepOutputs, summary.ToString(), log.ToString(), scripts, warnings);
        }
        for (var i = posts.Count - 1; i >= 0; i--) log.Append("Post ").AppendLine(posts[i].Step).Append(posts[i].Work());
        var actionOutputs = action.Outputs.ToDictionary(o => o.Id, o => ActionExpressions.Expand(o.Value, context), StringComparer.OrdinalIgnoreCase);
        return new ActionRunResult(true, null, 0, actionOutputs, context.StepOutputs, summary.ToString(), log.ToString(), scripts, warnings);
    }

    private ExpressionContext Context(IReadOnlyDictionary<string, string> inputs, List<string> warnings)
    {
        var declared = action.Inputs.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        if (inputs.Keys.FirstOrDefault(k => !declared.ContainsKey(k)) is { } unknown)
            throw new ArgumentException($"the action declares no input '{unknown}' (inputs: {string.Join(", ", declared.Keys)})", nameof(inputs));
        var context = new ExpressionContext();
        context.GitHub["action_path"] = action.Folder;
        context.GitHub["workspace"] = options.Workspace;
        context.Runner["temp"] = options.RunnerTemp;
        context.Runner["os"] = "Linux";
        foreach (var step in action.Steps)
        {
            if (step.Id is { } id) context.StepIds.Add(id);
        }
        var missing = new List<string>();
        foreach (var input in action.Inputs)
        {
            var given = inputs.FirstOrDefault(p => p.Key.Equals(input.Id, StringComparison.OrdinalIgnoreCase)).Value;
            if (given is null && input.Required && input.Default is null) missing.Add(input.Id);
            context.Inputs[input.Id] = given ?? (input.Default is { } d ? ActionExpressions.Expand(d, context) : "");
        }
        if (missing.Count > 0)
        {
            var message = $"Input required and not supplied: {string.Join(", ", missing)}";
            if (options.EnforceRequiredInputs) throw new ArgumentException(message, nameof(inputs));
            warnings.Add(message);
        }
        return context;
    }
}
