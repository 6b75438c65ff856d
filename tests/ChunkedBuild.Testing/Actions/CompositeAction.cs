using YamlDotNet.RepresentationModel;

namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// A composite GitHub Action read from its <c>action.yml</c>: inputs, outputs and steps (<c>run:</c> scripts, <c>uses:</c> calls,
/// <c>if:</c> conditions). Anything the <see cref="CompositeActionRunner"/> cannot run faithfully (other step keys, shells other than
/// bash, other <c>runs.using</c> values) is refused when loading, so a test never passes by silently skipping part of the action.
/// </summary>
public sealed class CompositeAction
{
    private static readonly HashSet<string> StepKeys = ["id", "name", "if", "shell", "run", "env", "uses", "with"];

    private CompositeAction(string folder, IReadOnlyList<ActionInput> inputs, IReadOnlyList<ActionOutput> outputs, IReadOnlyList<ActionStep> steps)
    {
        Folder = folder;
        Inputs = inputs;
        Outputs = outputs;
        Steps = steps;
    }

    /// <summary>The folder holding <c>action.yml</c> (what <c>github.action_path</c> names).</summary>
    public string Folder { get; }

    /// <summary>The declared inputs, in file order.</summary>
    public IReadOnlyList<ActionInput> Inputs { get; }

    /// <summary>The declared outputs, in file order.</summary>
    public IReadOnlyList<ActionOutput> Outputs { get; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ActionStep> Steps { get; }

    /// <summary>Loads <c>action.yml</c> (or <c>action.yaml</c>) from <paramref name="folder"/>.</summary>
    public static CompositeAction Load(string folder)
    {
        var file = new[] { "action.yml", "action.yaml" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"no action.yml in {folder}");
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;

        var inputs = Map(root, "inputs").Select(p =>
        {
            var spec = p.Value as YamlMappingNode;
            return new ActionInput(p.Key, spec is not null && string.Equals(Text(spec, "required"), "true", StringComparison.OrdinalIgnoreCase), spec is null ? null : Text(spec, "default"));
        }).ToList();
        var outputs = Map(root, "outputs").Select(p =>
            new ActionOutput(p.Key, Text((YamlMappingNode)p.Value, "value") ?? throw Invalid(file, $"output '{p.Key}' has no value"))).ToList();

        var runs = root.Children.TryGetValue("runs", out var r) ? (YamlMappingNode)r : throw Invalid(file, "no runs:");
        if (Text(runs, "using") != "composite") throw Invalid(file, $"runs.using is '{Text(runs, "using")}', not composite");
        var steps = new List<ActionStep>();
        foreach (var node in ((YamlSequenceNode)runs.Children["steps"]).Children.Cast<YamlMappingNode>())
        {
            var keys = node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
            if (keys.FirstOrDefault(k => !StepKeys.Contains(k)) is { } unsupported)
                throw Invalid(file, $"step key '{unsupported}' is not supported by this runner (supported: {string.Join(", ", StepKeys)})");
            var env = Pairs(node, "env");
            var condition = Text(node, "if");
            if (Text(node, "uses") is { } uses)
            {
                if (keys.Any(k => k is "run" or "shell")) throw Invalid(file, $"the uses: step '{uses}' also has run: or shell:");
                steps.Add(new ActionStep(Text(node, "id"), Text(node, "name") ?? uses, "", "", env) { Condition = condition, Uses = uses, With = Pairs(node, "with") });
                continue;
            }
            if (keys.Contains("with")) throw Invalid(file, "with: belongs to uses: steps");
            var run = Text(node, "run") ?? throw Invalid(file, "a step with neither run: nor uses:");
            var shell = Text(node, "shell") ?? throw Invalid(file, "a run: step without shell: (GitHub requires it in composite actions)");
            if (shell != "bash") throw Invalid(file, $"shell '{shell}' is not supported by this runner (bash only)");
            steps.Add(new ActionStep(Text(node, "id"), Text(node, "name") ?? run, shell, run, env) { Condition = condition });
        }
        return new CompositeAction(Path.GetFullPath(folder), inputs, outputs, steps);
    }

    private static IEnumerable<KeyValuePair<string, YamlNode>> Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlMappingNode map
            ? map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, kv.Value))
            : [];

    private static List<KeyValuePair<string, string>> Pairs(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value)
            ? ((YamlMappingNode)value).Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ((YamlScalarNode)kv.Value).Value ?? "")).ToList()
            : [];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    private static InvalidDataException Invalid(string file, string message) => new($"{file}: {message}");
}
