namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// <c>actions/cache</c> for the composite-action runner, with a folder that outlives runs standing in for GitHub's cache service.
/// The step restores <c>path</c> from the entry saved under <c>key</c>, else from the newest entry whose key starts with a line of
/// <c>restore-keys</c>, and sets <c>cache-hit</c> (<c>true</c> only for the exact key). After the last step of a successful run it
/// saves <c>path</c> under <c>key</c>, unless the key was hit or is already saved: entries never change, as on GitHub.
/// </summary>
public sealed class FakeActionsCache(string storeFolder) : IUsedAction
{
    /// <summary>The keys saved so far, oldest first.</summary>
    public IReadOnlyList<string> Keys => [.. Entries().Select(e => File.ReadAllText(Path.Combine(e, "key")))];

    /// <inheritdoc />
    public UsedActionResult Run(IReadOnlyDictionary<string, string> inputs, string workspace)
    {
        var paths = Input(inputs, "path").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (paths.Length != 1) throw new NotSupportedException($"actions/cache stand-in: one path only (got {paths.Length})");
        var path = Path.GetFullPath(paths[0], workspace);
        var key = Input(inputs, "key");
        var restoreKeys = inputs.TryGetValue("restore-keys", out var r) ? r.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

        var entries = Entries().Select(e => (Folder: e, Key: File.ReadAllText(Path.Combine(e, "key")))).ToList();
        var exact = entries.FirstOrDefault(e => e.Key == key).Folder;
        var matched = exact ?? restoreKeys.Select(prefix => entries.LastOrDefault(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Folder)
            .FirstOrDefault(f => f is not null);
        if (matched is not null) CopyFolder(Path.Combine(matched, "content"), path);
        var log = matched is null ? $"Cache not found for input keys: {key}\n" : $"Cache restored from key: {File.ReadAllText(Path.Combine(matched, "key"))}\n";
        var outputs = new Dictionary<string, string> { ["cache-hit"] = exact is not null ? "true" : "false" };
        return new UsedActionResult(outputs, log, exact is not null ? null : () => Save(key, path));
    }

    private string Save(string key, string path)
    {
        if (Entries().Any(e => File.ReadAllText(Path.Combine(e, "key")) == key)) return $"Cache entry {key} exists; not saved\n";
        if (!Directory.Exists(path)) return $"Path {path} does not exist; not saved\n";
        var folder = Path.Combine(storeFolder, Entries().Count.ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
        CopyFolder(path, Path.Combine(folder, "content"));
        File.WriteAllText(Path.Combine(folder, "key"), key);
        return $"Cache saved with key: {key}\n";
    }

    private List<string> Entries() =>
        Directory.Exists(storeFolder) ? [.. Directory.GetDirectories(storeFolder).Where(d => File.Exists(Path.Combine(d, "key"))).Order(StringComparer.Ordinal)] : [];

    private static string Input(IReadOnlyDictionary<string, string> inputs, string name) =>
        inputs.TryGetValue(name, out var value) && value.Trim().Length > 0 ? value.Trim() : throw new ArgumentException($"actions/cache: input '{name}' is required");

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }
}
