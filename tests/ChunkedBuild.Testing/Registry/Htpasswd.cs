namespace ChunkedBuild.Testing.Registry;

/// <summary>htpasswd (Basic auth) for a <see cref="LocalRegistry"/>: the file made by <c>htpasswd -nbB</c> (apache2-utils) and the config section.</summary>
public static class Htpasswd
{
    /// <summary>Whether <c>htpasswd</c> is installed (the CI script installs apache2-utils).</summary>
    public static bool IsAvailable => ProcessRunner.IsOnPath("htpasswd");

    /// <summary>Writes <c>folder/htpasswd</c> with one bcrypt line for <paramref name="user"/> and returns its path.</summary>
    public static string Write(string folder, string user, string password)
    {
        var result = ProcessRunner.Run("htpasswd", ["-nbB", user, password]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"htpasswd failed: {result.StdErr}");
        var path = Path.Combine(folder, "htpasswd");
        File.WriteAllText(path, result.StdOut.Trim() + "\n");
        return path;
    }

    /// <summary>The registry's <c>auth:</c> section for an htpasswd file.</summary>
    public static string AuthYaml(string file) => $"  htpasswd:\n    realm: chunkedbuild-test\n    path: {file}\n";
}
