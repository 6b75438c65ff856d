using System.Text.Json;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// The parts of an <c>*.deps.json</c> the host uses to build the app's assembly and native search lists: for the
/// runtime target, each library's <c>runtime</c> and <c>native</c> assets and the <c>runtimeTargets</c> assets of the
/// best runtime identifier in the fallback chain.
/// </summary>
/// <param name="Libraries">Library names (package ids, without version), in file order.</param>
/// <param name="RuntimeAssets">Managed assets (relative paths), in file order.</param>
/// <param name="NativeAssets">Native assets (relative paths), in file order.</param>
internal sealed record DotnetDepsFile(IReadOnlyList<string> Libraries, IReadOnlyList<string> RuntimeAssets, IReadOnlyList<string> NativeAssets)
{
    /// <summary>Parses the JSON for the runtime identifier chain <paramref name="ridChain"/> (most specific first); null when unreadable.</summary>
    public static DotnetDepsFile? TryParse(byte[] json, IReadOnlyList<string> ridChain) => AppJson.Read<DotnetDepsFile>(json, root => (Read(root, ridChain), null), out _);

    private static DotnetDepsFile? Read(JsonElement root, IReadOnlyList<string> ridChain)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
            return null;
        var targetName = root.TryGetProperty("runtimeTarget", out var rt) && rt.ValueKind == JsonValueKind.Object
            && rt.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        JsonElement target = default;
        if (targetName is null || !targets.TryGetProperty(targetName, out target))
            target = targets.EnumerateObject().Select(p => p.Value).FirstOrDefault();
        if (target.ValueKind != JsonValueKind.Object) return null;

        var libraries = new List<string>();
        var runtime = new List<string>();
        var native = new List<string>();
        foreach (var library in target.EnumerateObject())
        {
            var slash = library.Name.IndexOf('/');
            libraries.Add(slash < 0 ? library.Name : library.Name[..slash]);
            if (library.Value.ValueKind != JsonValueKind.Object) continue;
            AddKeys(library.Value, "runtime", runtime);
            AddKeys(library.Value, "native", native);
            AddRuntimeTargets(library.Value, ridChain, runtime, native);
        }
        return new DotnetDepsFile(libraries, runtime, native);
    }

    private static void AddKeys(JsonElement library, string section, List<string> into)
    {
        if (library.TryGetProperty(section, out var assets) && assets.ValueKind == JsonValueKind.Object)
            into.AddRange(assets.EnumerateObject().Select(a => a.Name));
    }

    /// <summary>Per asset type, the assets of the most specific RID of the chain that has any (the host's rule).</summary>
    private static void AddRuntimeTargets(JsonElement library, IReadOnlyList<string> ridChain, List<string> runtime, List<string> native)
    {
        if (!library.TryGetProperty("runtimeTargets", out var targets) || targets.ValueKind != JsonValueKind.Object) return;
        var assets = targets.EnumerateObject()
            .Where(a => a.Value.ValueKind == JsonValueKind.Object)
            .Select(a => (Path: a.Name, Rid: Text(a.Value, "rid"), Type: Text(a.Value, "assetType")))
            .ToList();
        foreach (var (type, into) in new[] { ("runtime", runtime), ("native", native) })
        {
            var ofType = assets.Where(a => a.Type == type).ToList();
            foreach (var rid in ridChain)
            {
                var matching = ofType.Where(a => a.Rid == rid).Select(a => a.Path).ToList();
                if (matching.Count == 0) continue;
                into.AddRange(matching);
                break;
            }
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
