using System.Text.Json;

namespace ChunkedBuild.Testing.Images;

/// <summary>Options of one <c>skopeo copy</c>.</summary>
public sealed record SkopeoCopyOptions
{
    /// <summary>Copy every image of an index (<c>--all</c>) instead of only the one matching this machine.</summary>
    public bool All { get; init; }

    /// <summary>Force the destination manifest format: <c>v2s2</c> (Docker) or <c>oci</c>; null keeps the source's.</summary>
    public string? Format { get; init; }
}

/// <summary>
/// The <c>skopeo</c> command line (Debian package <c>skopeo</c>, 1.9 on Debian 12): inspect and copy images between
/// transports (<c>docker://</c>, <c>oci:</c>, <c>oci-archive:</c>, <c>docker-archive:</c>). TLS verification is turned
/// off for <c>docker://127.0.0.1:…</c> references (the test registries serve plain HTTP); failures throw with skopeo's stderr.
/// </summary>
public static class Skopeo
{
    /// <summary>Where Debian installs skopeo.</summary>
    public static string ProgramPath => "/usr/bin/skopeo";

    /// <summary>Whether skopeo is installed (the CI script installs the <c>skopeo</c> package).</summary>
    public static bool IsAvailable => File.Exists(ProgramPath);

    /// <summary>
    /// <c>skopeo inspect</c> of <paramref name="reference"/> (a transport-qualified reference such as
    /// <c>oci-archive:/tmp/x.tar</c>). <paramref name="raw"/> returns the manifest or index exactly as stored;
    /// <paramref name="config"/> returns the image config; otherwise skopeo's summary (Digest, Layers, Architecture, …).
    /// </summary>
    public static JsonDocument Inspect(string reference, bool raw = false, bool config = false)
    {
        List<string> args = ["inspect"];
        if (IsLoopbackRegistry(reference)) args.Add("--tls-verify=false");
        if (raw) args.Add("--raw");
        if (config) args.Add("--config");
        args.Add(reference);
        return JsonDocument.Parse(Run(args));
    }

    /// <summary>
    /// <c>skopeo copy</c> from <paramref name="source"/> to <paramref name="destination"/> (both transport-qualified).
    /// Copies are not signed and keep the source's compressed layers unless the format change needs otherwise.
    /// </summary>
    public static void Copy(string source, string destination, SkopeoCopyOptions? options = null)
    {
        options ??= new SkopeoCopyOptions();
        List<string> args = ["copy", "--quiet"];
        if (IsLoopbackRegistry(source)) args.Add("--src-tls-verify=false");
        if (IsLoopbackRegistry(destination)) args.Add("--dest-tls-verify=false");
        if (options.All) args.Add("--all");
        if (options.Format is { } format) args.AddRange(["--format", format]);
        args.Add(source);
        args.Add(destination);
        Run(args);
    }

    /// <summary>Runs skopeo with <paramref name="arguments"/>; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static string Run(IReadOnlyList<string> arguments)
    {
        if (!IsAvailable) throw new InvalidOperationException($"{ProgramPath} is missing: apt-get install skopeo (the CI script does)");
        // skopeo wants a policy; Debian ships /etc/containers/policy.json, an explicit one keeps it independent of the host.
        var policy = Path.Combine(Path.GetTempPath(), "chunkedbuild-skopeo-policy.json");
        if (!File.Exists(policy))
        {
            var staging = policy + "." + Environment.ProcessId + ".new";
            File.WriteAllText(staging, """{"default":[{"type":"insecureAcceptAnything"}]}""");
            File.Move(staging, policy, overwrite: true);
        }
        List<string> all = ["--policy", policy, .. arguments];
        var r = ProcessRunner.Run(ProgramPath, all, timeout: TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"skopeo {string.Join(' ', arguments)} exited {r.ExitCode}: {r.StdErr.Trim()}");
        return r.StdOut;
    }

    private static bool IsLoopbackRegistry(string reference) =>
        reference.StartsWith("docker://127.0.0.1:", StringComparison.Ordinal) ||
        reference.StartsWith("docker://localhost:", StringComparison.Ordinal);
}
