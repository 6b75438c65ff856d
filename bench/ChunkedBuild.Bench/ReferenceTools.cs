namespace ChunkedBuild.Bench;

/// <summary>Finds the reference programs: the zstd CLI and refcheck.</summary>
internal static class ReferenceTools
{
    /// <summary>The zstd CLI on PATH, or null.</summary>
    public static string? Zstd() => OnPath("zstd");

    /// <summary>
    /// refcheck: CHUNKEDBUILD_REFCHECK, else /tmp/rc/refcheck, else the test helper's cached build (which builds it with
    /// ../shared/refcheck/build.sh when needed). Returns the path, or null with the reason.
    /// </summary>
    public static (string? Path, string? Reason) RefCheck()
    {
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_REFCHECK") is { Length: > 0 } env && File.Exists(env)) return (env, null);
        if (File.Exists("/tmp/rc/refcheck")) return ("/tmp/rc/refcheck", null);
        try
        {
            return (ChunkedBuild.Testing.RefCheck.PathToBinary, null);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            return (null, "refcheck not built: " + e.Message.Split('\n')[0]);
        }
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
