using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Actions;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>
/// One run environment for <c>action/action.yml</c>: a workspace whose nuget.config clears every remote source (the
/// tool comes from the local feed only, so no network), an isolated NuGet package folder (the user's folder serves only
/// as a read-only fallback, so a pack of the tool from the checkout finds its dependencies without writing there) and
/// converted-layer cache, an <c>actions/cache</c> stand-in (<see cref="FakeActionsCache"/>; pass one to share it
/// between runs, as between a workflow's runs), and a <c>dotnet</c> shim first on PATH that records every invocation's
/// arguments, environment and (for <c>--password-stdin</c>) stdin before handing over to the real <c>dotnet</c>.
/// </summary>
internal sealed class ActionHarness : IDisposable
{
    private const string Shim = """
        #!/bin/bash
        # Test shim: records the invocation, then runs the real dotnet with the same arguments (and stdin).
        n=$(date +%s%N)
        printf '%s\n' "$*" >> "$SHIM_RECORDS/argv"
        env > "$SHIM_RECORDS/env.$n"
        for a in "$@"; do
          if [ "$a" = --password-stdin ]; then
            cat > "$SHIM_RECORDS/stdin.$n"
            exec "$SHIM_REAL_DOTNET" "$@" < "$SHIM_RECORDS/stdin.$n"
          fi
        done
        exec "$SHIM_REAL_DOTNET" "$@"
        """;

    public ActionHarness(ActionToolFeed feed, FakeActionsCache? cache = null)
    {
        Feed = feed;
        Root = Directory.CreateTempSubdirectory("chb-action-").FullName;
        Cache = cache ?? new FakeActionsCache(Path.Combine(Root, "actions-cache"));
        foreach (var folder in new[] { Workspace, RunnerTemp, ShimFolder, Records }) Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(Workspace, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        var shim = Path.Combine(ShimFolder, "dotnet");
        File.WriteAllText(shim, Shim.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public ActionToolFeed Feed { get; }

    /// <summary>The <c>actions/cache</c> stand-in the action's cache step talks to.</summary>
    public FakeActionsCache Cache { get; }

    public string Root { get; }

    public string Workspace => Path.Combine(Root, "workspace");

    public string RunnerTemp => Path.Combine(Root, "runner-temp");

    private string ShimFolder => Path.Combine(Root, "shim");

    private string Records => Path.Combine(Root, "records");

    /// <summary>The action folder of this repository.</summary>
    public static string ActionFolder => Path.Combine(RepoPaths.Root, "action");

    /// <summary>Every recorded <c>dotnet</c> command line (arguments joined by spaces).</summary>
    public string[] CommandLines => File.Exists(Path.Combine(Records, "argv")) ? File.ReadAllLines(Path.Combine(Records, "argv")) : [];

    /// <summary>The environments of every recorded invocation, concatenated.</summary>
    public string Environments => string.Concat(Directory.GetFiles(Records, "env.*").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    /// <summary>What each <c>--password-stdin</c> invocation read on stdin.</summary>
    public string[] StdinReads => [.. Directory.GetFiles(Records, "stdin.*").Order(StringComparer.Ordinal).Select(File.ReadAllText)];

    /// <summary>Runs the action with the tool from the feed and <paramref name="inputs"/>; <paramref name="environment"/> adds job variables.</summary>
    public ActionRunResult Run(IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string>? environment = null, bool enforceRequired = true)
    {
        var all = new Dictionary<string, string>(inputs);
        all.TryAdd("tool-version", Feed.Version);
        all.TryAdd("tool-source", Feed.Feed);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = ShimFolder + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["SHIM_RECORDS"] = Records,
            ["SHIM_REAL_DOTNET"] = RealDotnet,
            ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages"),
            ["NUGET_FALLBACK_PACKAGES"] = UserPackages,
            ["XDG_CACHE_HOME"] = Path.Combine(Root, "cache"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var options = new ActionRunOptions
        {
            Workspace = Workspace, RunnerTemp = RunnerTemp, Environment = env, EnforceRequiredInputs = enforceRequired,
            UsedActions = new Dictionary<string, IUsedAction> { ["actions/cache"] = Cache },
        };
        return new CompositeActionRunner(CompositeAction.Load(ActionFolder), options).Run(all);
    }

    /// <summary>The user's NuGet package folder (NUGET_PACKAGES of the test process, else ~/.nuget/packages), used read-only.</summary>
    private static string UserPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The real <c>dotnet</c> the shim hands over to (DOTNET_HOST_PATH when the test host sets it, else PATH).</summary>
    private static string RealDotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet")).First(File.Exists);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
