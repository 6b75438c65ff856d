using System.Text.Json;

namespace ChunkedBuild.Testing;

/// <summary>
/// The outside oracle: <c>tests/oracle</c> (chunkedoracle), a Go program built from Debian's packages of stargz-snapshotter,
/// containers/storage, tar-split and klauspost/compress, sharing no code with ChunkedBuild. Located through CHUNKEDBUILD_ORACLE
/// (what <c>.ci/run</c> sets), otherwise built once per source version (<c>tests/oracle/build.sh --hash</c>) into the ignored
/// <c>artifacts/oracle/</c> folder of the repository.
/// </summary>
public static class RefCheck
{
    private static readonly Lazy<string> LazyPath = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The environment variable naming a built oracle binary.</summary>
    public const string EnvironmentVariable = "CHUNKEDBUILD_ORACLE";

    /// <summary>Path of the oracle binary (building it on first use).</summary>
    public static string PathToBinary => LazyPath.Value;

    /// <summary>Runs the oracle with <paramref name="arguments"/>; returns exit code, the JSON line and stderr.</summary>
    public static RefCheckResult Run(params string[] arguments) => RunBinary(PathToBinary, arguments);

    /// <summary>Runs another build of the oracle (or a program with the same command line) with <paramref name="arguments"/>.</summary>
    public static RefCheckResult RunBinary(string binary, params string[] arguments)
    {
        var r = ProcessRunner.Run(binary, arguments);
        JsonDocument? json = null;
        var line = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (line is not null) json = JsonDocument.Parse(line);
        return new RefCheckResult(r.ExitCode, json, r.StdOut, r.StdErr);
    }

    /// <summary>Where the oracle of the current sources lives once built: <c>artifacts/oracle/chunkedoracle-&lt;source hash&gt;</c>.</summary>
    public static string BuiltPath()
    {
        var hash = ProcessRunner.Run("bash", [BuildScript, "--hash"]);
        if (hash.ExitCode != 0) throw new InvalidOperationException($"tests/oracle/build.sh --hash failed: {hash.StdErr}");
        return Path.Combine(RepoPaths.Root, "artifacts", "oracle", "chunkedoracle-" + hash.StdOut.Trim());
    }

    private static string BuildScript => Path.Combine(RepoPaths.Root, "tests", "oracle", "build.sh");

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env && File.Exists(env)) return env;
        var bin = BuiltPath();
        if (File.Exists(bin)) return bin;
        var folder = Path.GetDirectoryName(bin)!;
        Directory.CreateDirectory(folder);
        using var _ = new FileStream(Path.Combine(folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        if (File.Exists(bin)) return bin;
        var r = ProcessRunner.Run("bash", [BuildScript, bin], environment: new Dictionary<string, string> { ["GOCACHE"] = Path.Combine(folder, "gocache") });
        if (r.ExitCode != 0) throw new InvalidOperationException($"building the oracle failed (bash .ci/run installs its apt packages): {r.StdErr}");
        return bin;
    }
}

/// <summary>What the oracle said.</summary>
/// <param name="ExitCode">0 = every check passed, 1 = a check failed, 2 = usage or I/O error.</param>
/// <param name="Json">The one JSON line of its verdict, when it printed one.</param>
/// <param name="StdOut">Raw stdout.</param>
/// <param name="StdErr">Raw stderr (each error is also printed there).</param>
public sealed record RefCheckResult(int ExitCode, JsonDocument? Json, string StdOut, string StdErr)
{
    /// <summary>True when the oracle exited 0 and reported ok.</summary>
    public bool Ok => ExitCode == 0 && Json?.RootElement.TryGetProperty("ok", out var ok) == true && ok.GetBoolean();

    /// <summary>A readable summary for assertion messages.</summary>
    public override string ToString() => $"oracle exit {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";
}
