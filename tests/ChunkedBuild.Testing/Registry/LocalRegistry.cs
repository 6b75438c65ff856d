using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChunkedBuild.Testing.Registry;

/// <summary>Options for a <see cref="LocalRegistry"/>: plain HTTP by default, optionally TLS and/or an auth section.</summary>
public sealed record LocalRegistryOptions
{
    /// <summary>PEM certificate file for TLS (with <see cref="TlsKeyFile"/>); null serves plain HTTP.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>PEM private key file for TLS.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>Raw YAML placed under the config's <c>auth:</c> key (already indented by two spaces per level), e.g. an htpasswd or token section.</summary>
    public string? AuthYaml { get; init; }

    /// <summary>The port to try first (tests of the start-up itself); null picks a free one.</summary>
    public int? Port { get; init; }
}

/// <summary>
/// Debian's real <c>docker-registry</c> (distribution 2.8) serving on 127.0.0.1 at a free port, with its storage in a
/// temporary folder. Started by tests, stopped (and its folder removed) on dispose. A free port can be taken by another
/// process between being chosen and being bound: the registry is ready only once it logs that it listens on its port, and a
/// start that lost its port to someone else is retried on another one (connecting to the port would not tell a thief apart).
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    private const int PortAttempts = 5;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly ManualResetEventSlim _listening = new();

    private LocalRegistry(Process process, string root, int port, bool tls)
    {
        _process = process;
        Root = root;
        Port = port;
        IsTls = tls;
    }

    /// <summary>Whether the registry program is installed (the CI script installs the <c>docker-registry</c> package).</summary>
    public static bool IsAvailable => File.Exists(ProgramPath);

    /// <summary>Where Debian installs the registry binary.</summary>
    public static string ProgramPath => "/usr/bin/docker-registry";

    /// <summary>The temporary folder holding the config and the storage.</summary>
    public string Root { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Whether it serves HTTPS.</summary>
    public bool IsTls { get; }

    /// <summary>The registry's host name as image references spell it: <c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri BaseUri => new($"{(IsTls ? "https" : "http")}://{Host}");

    /// <summary>What the registry printed so far (for failure messages).</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Starts a registry and waits until it listens on its port (retrying on another port when the chosen one was taken).</summary>
    public static LocalRegistry Start(LocalRegistryOptions? options = null)
    {
        options ??= new LocalRegistryOptions();
        if (!IsAvailable) throw new InvalidOperationException($"{ProgramPath} is missing: apt-get install docker-registry (the CI script does)");
        for (var attempt = 1; ; attempt++)
        {
            var port = attempt == 1 && options.Port is { } first ? first : FreePort();
            var registry = Launch(options, port);
            if (registry.WaitUntilListening()) return registry;
            var log = registry.Log;
            registry.Dispose();
            if (!log.Contains("address already in use", StringComparison.Ordinal) || attempt == PortAttempts)
                throw new InvalidOperationException($"docker-registry did not start on 127.0.0.1:{port}:\n{log}");
        }
    }

    private static LocalRegistry Launch(LocalRegistryOptions options, int port)
    {
        var root = Directory.CreateTempSubdirectory("chunkedbuild-registry-").FullName;
        var tls = options.TlsCertificateFile is not null;
        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log: {level: info, accesslog: {disabled: false}}")
            .AppendLine($"storage: {{filesystem: {{rootdirectory: {Path.Combine(root, "data")}}}, delete: {{enabled: true}}}}")
            .AppendLine("http:")
            .AppendLine($"  addr: 127.0.0.1:{port}");
        if (tls)
            config.AppendLine($"  tls: {{certificate: {options.TlsCertificateFile}, key: {options.TlsKeyFile}}}");
        if (options.AuthYaml is not null)
            config.AppendLine("auth:").Append(options.AuthYaml.TrimEnd()).AppendLine();
        var configPath = Path.Combine(root, "config.yml");
        File.WriteAllText(configPath, config.ToString());

        var psi = new ProcessStartInfo(ProgramPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(configPath);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start docker-registry");
        var registry = new LocalRegistry(process, root, port, tls);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return registry;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
        // distribution logs this once the socket is bound ("listening on 127.0.0.1:5000" or "…, tls").
        if (line.Contains($"listening on {Host}", StringComparison.Ordinal)) _listening.Set();
    }

    /// <summary>True once the registry says it listens on its port; false when it exits first (or stays silent for 20 s).</summary>
    private bool WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_listening.Wait(50)) return true;
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the output handlers
                return _listening.IsSet;
            }
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            _listening.Dispose();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        }
    }
}
