using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// Runs a docker credential helper (docker-credential-helpers protocol): <c>docker-credential-&lt;name&gt; get</c> reads the
/// server URL on stdin and prints <c>{"ServerURL","Username","Secret"}</c>; a <c>Username</c> of <c>&lt;token&gt;</c> means the
/// secret is an identity token. A "credentials not found" answer means no credentials.
/// </summary>
internal static class DockerCredentialHelper
{
    /// <summary>The helper's answer to a lookup that found nothing (docker-credential-helpers' ErrCredentialsNotFound).</summary>
    private const string NotFoundMessage = "credentials not found";

    public static async Task<RegistryCredential?> GetAsync(string helperName, string serverUrl, string? searchPath, string origin,
        CancellationToken cancellationToken)
    {
        var program = "docker-credential-" + helperName;
        var path = Find(program, searchPath)
            ?? throw new ChunkedBuildException(ErrorCodes.CredentialHelperFailed, $"credential helper {program} ({origin}) is not on PATH");
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        psi.ArgumentList.Add("get");
        if (searchPath is not null) psi.Environment["PATH"] = searchPath;

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ChunkedBuildException(ErrorCodes.CredentialHelperFailed, $"could not start {program} ({origin})");
        }
        catch (Win32Exception e)
        {
            throw new ChunkedBuildException(ErrorCodes.CredentialHelperFailed, $"could not start {path} ({origin}): {e.Message}", innerException: e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The helper exited without reading stdin; its exit code and output below tell why.
            }
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw;
            }
            var output = await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                if (output.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase) || error.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase))
                    return null;
                // Its output is not shown: a failing helper may well print the secret it was about to answer with.
                throw new ChunkedBuildException(ErrorCodes.CredentialHelperFailed,
                    $"credential helper {program} ({origin}) exited with code {process.ExitCode} for {serverUrl} (its output is not shown: it may hold a secret; run '{program} get' by hand to see it)");
            }
            return Parse(output, program, serverUrl, origin);
        }
    }

    private static RegistryCredential? Parse(string output, string program, string serverUrl, string origin)
    {
        try
        {
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            var user = Str(root, "Username");
            var secret = Str(root, "Secret");
            if (string.IsNullOrEmpty(secret)) return null;
            var from = $"{origin} via {program}";
            return user == "<token>"
                ? new RegistryCredential { IdentityToken = secret, Origin = from }
                : new RegistryCredential { Username = user, Password = secret, Origin = from };
        }
        catch (JsonException)
        {
            // The output may hold a secret: say only that it is not the expected JSON.
            throw new ChunkedBuildException(ErrorCodes.CredentialHelperFailed,
                $"credential helper {program} ({origin}) printed something that is not its JSON answer {{ServerURL,Username,Secret}} for {serverUrl}");
        }

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The full path of <paramref name="program"/> in the directories of <paramref name="searchPath"/>, or null.</summary>
    internal static string? Find(string program, string? searchPath)
    {
        if (string.IsNullOrEmpty(searchPath)) return null;
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program + ".cmd", program } : [program];
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
