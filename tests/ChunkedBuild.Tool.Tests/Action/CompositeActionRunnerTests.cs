using ChunkedBuild.Testing.Actions;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>The composite-action runner itself, on small actions written by each test.</summary>
public sealed class CompositeActionRunnerTests : ToolTestBase
{
    private CompositeAction Write(string yaml)
    {
        var folder = Directory.CreateDirectory(PathOf("action")).FullName;
        File.WriteAllText(Path.Combine(folder, "action.yml"), yaml);
        return CompositeAction.Load(folder);
    }

    private ActionRunResult Run(CompositeAction action, Dictionary<string, string> inputs, bool enforce = true) =>
        new CompositeActionRunner(action, new ActionRunOptions
        {
            Workspace = Directory.CreateDirectory(PathOf("ws")).FullName,
            RunnerTemp = Directory.CreateDirectory(PathOf("tmp")).FullName,
            EnforceRequiredInputs = enforce,
        }).Run(inputs);

    private const string TwoSteps = """
        name: t
        inputs:
          name: {required: true}
          greeting: {required: false, default: hello}
        outputs:
          line: {value: "${{ steps.two.outputs.line }}"}
          multi: {value: "${{ steps.one.outputs.multi }}"}
          raw: {value: "${{ steps.one.outputs.a }}-${{ steps.two.outputs.missing }}"}
        runs:
          using: composite
          steps:
            - id: one
              shell: bash
              env:
                WHO: ${{ inputs.name }}
              run: |
                echo "a=1" >> "$GITHUB_OUTPUT"
                { echo "multi<<END_1"; printf 'x=1\ny<<z\n'; echo "END_1"; } >> "$GITHUB_OUTPUT"
                echo "CARRIED=from-one" >> "$GITHUB_ENV"
                mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\necho shimmed\n' > "$RUNNER_TEMP/bin/only-here" && chmod +x "$RUNNER_TEMP/bin/only-here"
                echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                echo "| $WHO |" >> "$GITHUB_STEP_SUMMARY"
                test "$PWD" = "$GITHUB_WORKSPACE"
            - id: two
              shell: bash
              env:
                A: ${{ steps.one.outputs.a }}
                GREETING: ${{ inputs.greeting }}
                ACTION_DIR: ${{ github.action_path }}
              run: |
                echo "line=$GREETING $A $CARRIED $(only-here) ${{ runner.temp }}" >> "$GITHUB_OUTPUT"
                test "$ACTION_DIR" = "$GITHUB_ACTION_PATH"
                echo "| two |" >> "$GITHUB_STEP_SUMMARY"
        """;

    [Fact]
    public void Outputs_env_path_defaults_and_step_outputs_flow_as_on_github()
    {
        var result = Run(Write(TwoSteps), new() { ["name"] = "ada" });

        Assert.True(result.Succeeded, result.Log);
        Assert.Equal($"hello 1 from-one shimmed {PathOf("tmp")}", result.Outputs["line"]);
        Assert.Equal("x=1\ny<<z", result.Outputs["multi"]);
        Assert.Equal("1-", result.Outputs["raw"]);
        Assert.Equal("| ada |\n| two |\n", result.StepSummary);
    }

    [Fact]
    public void Required_inputs_are_refused_before_any_step_or_only_warned_as_github_does()
    {
        var action = Write(TwoSteps);
        var refused = Assert.Throws<ArgumentException>(() => Run(action, []));
        Assert.Contains("Input required and not supplied: name", refused.Message);
        Assert.False(Directory.Exists(PathOf("tmp/_runner_file_commands")));

        var warned = Run(action, [], enforce: false);
        Assert.True(warned.Succeeded, warned.Log);
        Assert.Equal(["Input required and not supplied: name"], warned.Warnings);
        Assert.Equal("|  |\n| two |\n", warned.StepSummary);

        Assert.Throws<ArgumentException>(() => Run(action, new() { ["name"] = "x", ["nmae"] = "typo" }));
    }

    [Fact]
    public void A_failing_step_stops_the_run_and_no_outputs_are_mapped()
    {
        var action = Write("""
            runs:
              using: composite
              steps:
                - id: a
                  shell: bash
                  run: |
                    echo "partial=yes" >> "$GITHUB_OUTPUT"
                    false | cat
                    echo "not reached" >> "$GITHUB_STEP_SUMMARY"
                - shell: bash
                  run: echo never >> "$GITHUB_STEP_SUMMARY"
            outputs:
              partial: {value: "${{ steps.a.outputs.partial }}"}
            """);
        var result = Run(action, []);

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("yes", result.StepOutputs["a"]["partial"]);
        Assert.Empty(result.Outputs);
        Assert.Equal("", result.StepSummary);
        Assert.Single(result.Scripts);
    }

    [Theory]
    [InlineData("- {uses: actions/checkout@v4, run: echo}", "also has run:")]
    [InlineData("- {shell: bash, run: echo, timeout-minutes: 1}", "step key 'timeout-minutes'")]
    [InlineData("- {shell: bash, run: echo, with: {a: b}}", "with: belongs to uses: steps")]
    [InlineData("- {shell: pwsh, run: echo}", "shell 'pwsh'")]
    [InlineData("- {run: echo}", "without shell")]
    public void Steps_the_runner_cannot_run_faithfully_are_refused_when_loading(string step, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Write($"runs:\n  using: composite\n  steps:\n    {step}\n"));
        Assert.Contains(message, error.Message);
    }

    /// <summary>A stand-in that upper-cases its <c>value</c> input and records its post work.</summary>
    private sealed class Shouting(List<string> journal) : IUsedAction
    {
        public UsedActionResult Run(IReadOnlyDictionary<string, string> inputs, string workspace)
        {
            journal.Add("run " + inputs["value"]);
            return new UsedActionResult(new Dictionary<string, string> { ["loud"] = inputs["value"].ToUpperInvariant() }, "shouted\n",
                () => { journal.Add("post"); return "posted\n"; });
        }
    }

    [Fact]
    public void Conditions_skip_steps_and_uses_steps_run_their_stand_in_whose_post_work_follows_the_last_step()
    {
        var action = Write("""
            inputs:
              word: {default: hello}
              skip: {default: 'false'}
            outputs:
              result: {value: "${{ steps.check.outputs.result }}"}
              skipped: {value: "${{ steps.never.outputs.result }}"}
            runs:
              using: composite
              steps:
                - id: shout
                  uses: example/shout@v1
                  with:
                    value: ${{ inputs.word }}
                - id: check
                  if: steps.shout.outputs.loud == 'hello' && !(inputs.skip == 'TRUE')
                  shell: bash
                  run: echo "result=case-insensitive" >> "$GITHUB_OUTPUT"
                - id: never
                  if: ${{ inputs.skip == 'true' || false }}
                  shell: bash
                  run: echo "result=ran" >> "$GITHUB_OUTPUT"
            """);
        var journal = new List<string>();
        var result = new CompositeActionRunner(action, new ActionRunOptions
        {
            Workspace = Directory.CreateDirectory(PathOf("ws")).FullName,
            RunnerTemp = Directory.CreateDirectory(PathOf("tmp")).FullName,
            UsedActions = new Dictionary<string, IUsedAction> { ["example/shout"] = new Shouting(journal) },
        }).Run(new Dictionary<string, string>());

        Assert.True(result.Succeeded, result.Log);
        Assert.Equal("case-insensitive", result.Outputs["result"]);
        Assert.Equal("", result.Outputs["skipped"]);
        Assert.Equal(["run hello", "post"], journal);
        Assert.Equal(["Run example/shout@v1", "Run echo \"result=case-insensitive\" >> \"$GITHUB_OUTPUT\"", "Skipped echo \"result=ran\" >> \"$GITHUB_OUTPUT\"",
            "Post example/shout@v1"], result.Log.Split('\n').Where(l => l.StartsWith("Run ", StringComparison.Ordinal) || l.StartsWith("Skipped ", StringComparison.Ordinal)
                || l.StartsWith("Post ", StringComparison.Ordinal)).Select(l => l.Trim()));
        Assert.Single(result.Scripts);

        var unknown = Write("runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n");
        Assert.Throws<NotSupportedException>(() => Run(unknown, []));
    }

    [Theory]
    [InlineData("inputs.a == '1'", true)]
    [InlineData("inputs.a != '1'", false)]
    [InlineData("${{ inputs.b }}", false)]
    [InlineData("inputs.a", true)]
    [InlineData("!inputs.b && (inputs.a == 'x' || true)", true)]
    [InlineData("'it''s' == 'IT''S'", true)]
    public void Conditions_evaluate_as_on_github(string condition, bool expected)
    {
        var context = new ExpressionContext { Inputs = { ["a"] = "1", ["b"] = "" } };
        Assert.Equal(expected, ActionConditions.IsTrue(condition, context));
    }

    [Theory]
    [InlineData("success()")]
    [InlineData("inputs.a == true")]
    [InlineData("inputs.a ==")]
    [InlineData("inputs.a > '1'")]
    public void Conditions_the_runner_does_not_know_throw(string condition)
    {
        var context = new ExpressionContext { Inputs = { ["a"] = "1" } };
        Assert.Throws<NotSupportedException>(() => ActionConditions.IsTrue(condition, context));
    }

    [Theory]
    [InlineData("${{ inputs.nope }}", typeof(KeyNotFoundException))]
    [InlineData("${{ steps.nope.outputs.x }}", typeof(KeyNotFoundException))]
    [InlineData("${{ inputs.a || 'b' }}", typeof(NotSupportedException))]
    [InlineData("${{ secrets.TOKEN }}", typeof(NotSupportedException))]
    [InlineData("${{ steps.s.result }}", typeof(NotSupportedException))]
    public void Expressions_the_runner_does_not_know_throw(string text, Type exception)
    {
        var context = new ExpressionContext { Inputs = { ["a"] = "1" }, StepIds = { "s" } };
        Assert.Throws(exception, () => ActionExpressions.Expand(text, context));
    }

    [Fact]
    public void Expansion_pastes_values_and_is_case_insensitive()
    {
        var context = new ExpressionContext { Inputs = { ["tool-version"] = "1.2" }, StepIds = { "s" }, StepOutputs = { ["s"] = new() { ["d"] = "sha256:x" } } };
        Assert.Equal("v=1.2 d=sha256:x e=", ActionExpressions.Expand("v=${{inputs.Tool-Version}} d=${{ steps.s.outputs.d }} e=${{ steps.s.outputs.e }}", context));
    }

    [Fact]
    public void Command_files_hold_plain_and_heredoc_values()
    {
        var pairs = CommandFile.Parse("a=1=2\nempty=\nm<<EOF_x\nline 1\n\nline=3\nEOF_x\nlast=z\n");
        Assert.Equal([("a", "1=2"), ("empty", ""), ("m", "line 1\n\nline=3"), ("last", "z")], pairs.Select(p => (p.Key, p.Value)));
        Assert.Throws<InvalidDataException>(() => CommandFile.Parse("m<<EOF\nvalue\n"));
        Assert.Throws<InvalidDataException>(() => CommandFile.Parse("no separator\n"));
    }
}
