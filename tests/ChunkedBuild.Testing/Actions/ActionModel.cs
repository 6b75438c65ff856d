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

/// <summary>A <c>run:</c> step of a composite action.</summary>
/// <param name="Id">The step id, or null.</param>
/// <param name="Name">The display name (the run text when no name is given).</param>
/// <param name="Shell">The <c>shell:</c> value (only <c>bash</c> is supported).</param>
/// <param name="Run">The script text, before expansion.</param>
/// <param name="Environment">The step's <c>env:</c> map, before expansion, in file order.</param>
public sealed record ActionStep(string? Id, string Name, string Shell, string Run, IReadOnlyList<KeyValuePair<string, string>> Environment);
