using System.Security.Cryptography;
using System.Text.Json;

namespace ChunkedBuild.Testing;

/// <summary>
/// The outside oracle: <c>../shared/refcheck</c>, built from Debian's Go packages of stargz-snapshotter, tar-split and
/// klauspost/compress. Located through CHUNKEDBUILD_REFCHECK, otherwise built once per source version into the
/// temp folder (never into the repository) with <c>shared/refcheck/build.sh</c>.
/// </summary>
public static class RefCheck
{
    private static readonly Lazy<string> LazyPath = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Path of the refcheck binary (building it on first use).</summary>
    public static string PathToBinary => LazyPath.Value;

    /// <summary>Runs refcheck with <paramref name="arguments"/>; returns exit code, the JSON line and stderr.</summary>
    public static RefCheckResult Run(params string[] arguments)
    {
        var r = ProcessRunner.Run(PathToBinary, arguments);
        JsonDocument? json = null;
        var line = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (line is not null) json = JsonDocument.Parse(line);
        return new RefCheckResult(r.ExitCode, json, r.StdOut, r.StdErr);
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_REFCHECK") is { Length: > 0 } env && File.Exists(env)) return env;
        var source = Path.Combine(RepoPaths.Shared, "refcheck", "src", "refcheck", "main.go");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        var dir = Path.Combine(Path.GetTempPath(), "chunkedbuild-refcheck", hash);
        var bin = Path.Combine(dir, "refcheck");
        if (File.Exists(bin)) return bin;
        Directory.CreateDirectory(dir);
        using var _ = new FileStream(Path.Combine(dir, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        if (File.Exists(bin)) return bin;
        var r = ProcessRunner.Run("bash", [Path.Combine(RepoPaths.Shared, "refcheck", "build.sh"), bin + ".new"]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"building refcheck failed: {r.StdErr}");
        File.Move(bin + ".new", bin);
        return bin;
    }
}

/// <summary>What refcheck said.</summary>
/// <param name="ExitCode">0 = every check passed, 1 = a check failed, 2 = usage or I/O error.</param>
/// <param name="Json">The one JSON line of its verdict, when it printed one.</param>
/// <param name="StdOut">Raw stdout.</param>
/// <param name="StdErr">Raw stderr (each error is also printed there).</param>
public sealed record RefCheckResult(int ExitCode, JsonDocument? Json, string StdOut, string StdErr)
{
    /// <summary>True when refcheck exited 0 and reported ok.</summary>
    public bool Ok => ExitCode == 0 && Json?.RootElement.TryGetProperty("ok", out var ok) == true && ok.GetBoolean();

    /// <summary>A readable summary for assertion messages.</summary>
    public override string ToString() => $"refcheck exit {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";
}
