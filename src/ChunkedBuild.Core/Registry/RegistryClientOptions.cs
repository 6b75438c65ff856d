using System.Security.Cryptography.X509Certificates;
using ChunkedBuild.Core.Registry.Auth;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// How a <see cref="RegistryClient"/> talks to registries: credentials, which hosts may use plain HTTP or unverified TLS,
/// extra trusted CAs, upload sizes and parallelism, retries. Immutable; nothing here reads the environment except
/// <see cref="FromEnvironment"/>, which reads the variables the edge passes (<see cref="RegistrySettings.Environment"/>).
/// </summary>
public sealed record RegistryClientOptions
{
    /// <summary>The .NET SDK's variable listing insecure registries (<c>host:port</c> entries separated by <c>;</c>).</summary>
    public const string InsecureRegistriesVariable = "DOTNET_CONTAINER_INSECURE_REGISTRIES";

    /// <summary>Where credentials come from; null for anonymous access only.</summary>
    public ICredentialProvider? Credentials { get; init; }

    /// <summary>
    /// Registries (<c>host[:port]</c> as references spell them, compared case-insensitively) that may use plain HTTP and whose
    /// TLS certificates are not verified. Loopback hosts (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) always may.
    /// </summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every registry is insecure (<c>--insecure</c>): plain HTTP allowed, TLS not verified.</summary>
    public bool Insecure { get; init; }

    /// <summary>Extra CA certificates: a server chain that the system store does not accept is accepted when it ends at one of these.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Blobs up to this size are uploaded in one PUT; larger blobs in PATCH chunks of this size, resumable after a failure. Default 16 MiB.</summary>
    public int ChunkSize { get; init; } = 16 << 20;

    /// <summary>How many blobs a sink uploads at once. Default 4.</summary>
    public int MaxParallelUploads { get; init; } = 4;

    /// <summary>When and how often failed requests are retried.</summary>
    public RegistryRetryOptions Retry { get; init; } = new();

    /// <summary>How long a TCP (and TLS) connection may take to open. Default 30 s (never more than <see cref="RequestTimeout"/>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one attempt of a request may take, connecting included, until its whole answer is in: the headers and, for documents
    /// (manifests, indexes, tag lists, tokens, error bodies), the body too, so a body trickled byte by byte cannot hold a request
    /// open. Blob downloads get this long for their headers; their bodies are governed by <see cref="IdleTimeout"/>. Requests that
    /// carry blob bytes get <see cref="UploadTimeout"/> instead. Default 60 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt of a request carrying blob bytes (an upload's <c>PUT</c> or <c>PATCH</c>, the closing <c>PUT</c>) may take, its answer included. Default 10 min.</summary>
    public TimeSpan UploadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a blob download may go without receiving a byte before the connection is dropped and the download resumed from where it
    /// stopped (a stalled body). Default 60 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The client serves a push: its reads (<c>HEAD</c>/<c>GET</c> of blobs and manifests the push checks) are authorized like its
    /// writes, with the push credentials (<c>DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD</c> first) and a <c>pull,push</c> token, so a
    /// registry that allows nothing anonymously accepts the whole push. <see cref="RegistryImageSink"/>s made from options set it.
    /// </summary>
    public bool ForPush { get; init; }

    /// <summary>Reports bytes transferred per blob (uploads by sinks, downloads by sources).</summary>
    public IProgress<BlobTransferProgress>? Progress { get; init; }

    /// <summary>Replaces the network transport (tests); when set, TLS settings above are the handler's business.</summary>
    public HttpMessageHandler? Transport { get; init; }

    /// <summary>The options with the insecure registries listed in <see cref="InsecureRegistriesVariable"/> added.</summary>
    /// <param name="getVariable">Reads an environment variable as the edge passed it.</param>
    public RegistryClientOptions FromEnvironment(Func<string, string?> getVariable)
    {
        var listed = getVariable(InsecureRegistriesVariable);
        if (string.IsNullOrWhiteSpace(listed)) return this;
        var hosts = new HashSet<string>(InsecureRegistries, StringComparer.OrdinalIgnoreCase);
        foreach (var host in listed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) hosts.Add(host);
        return this with { InsecureRegistries = hosts };
    }

    /// <summary>True when <paramref name="registry"/> may use plain HTTP and unverified TLS.</summary>
    public bool IsInsecure(string registry) => Insecure || IsLoopback(registry) || InsecureRegistries.Contains(registry);

    /// <summary>Where credentials may go: HTTPS anywhere, plain HTTP only to the hosts <see cref="IsInsecure"/> allows (token realms included).</summary>
    public CredentialPolicy CredentialPolicy => new(IsInsecure);

    /// <summary>True for <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c>, with or without a port.</summary>
    public static bool IsLoopback(string registry)
    {
        var host = registry.StartsWith('[') ? registry[..(registry.IndexOf(']') + 1)]
            : registry.Contains(':') ? registry[..registry.IndexOf(':')] : registry;
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host is "127.0.0.1" or "[::1]";
    }
}

/// <summary>
/// Retries of failed registry requests: 429 (honouring <c>Retry-After</c>), 5xx, connection failures and timeouts, with
/// exponential backoff and jitter: attempt n waits <c>min(MaxDelay, BaseDelay·2^(n-1))·(0.5 + random/2)</c>.
/// </summary>
public sealed record RegistryRetryOptions
{
    /// <summary>Attempts per request, the first included. Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The delay before the first retry (before jitter). Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay, <c>Retry-After</c> included. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The retry budget of one operation: no further attempt starts once this much time has passed since its first attempt (or since
    /// its last progress, such as an uploaded chunk), so a registry that never answers costs about this plus one request timeout,
    /// not <see cref="MaxAttempts"/> timeouts. Default 2 min.
    /// </summary>
    public TimeSpan MaxElapsed { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock the retry budget is measured with (tests pass a manual one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seed of the jitter; null for an unseeded generator. Tests set it to make delays reproducible.</summary>
    public int? JitterSeed { get; init; }

    /// <summary>Waits between attempts (tests may record the delays instead of sleeping). Default <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task> DelayAsync { get; init; } = Task.Delay;
}

/// <summary>Progress of one blob transfer.</summary>
/// <param name="Digest">The blob.</param>
/// <param name="Transferred">Bytes sent or received so far (a resumed upload continues from its offset; a restarted one from 0).</param>
/// <param name="Total">The blob's size.</param>
/// <param name="Kind">Whether the blob moves up or down, or was skipped or mounted.</param>
public sealed record BlobTransferProgress(Oci.Digest Digest, long Transferred, long Total, BlobTransferKind Kind);

/// <summary>What happened to a blob.</summary>
public enum BlobTransferKind
{
    /// <summary>Bytes being uploaded.</summary>
    Upload,
    /// <summary>Bytes being downloaded.</summary>
    Download,
    /// <summary>The destination already had the blob; nothing was sent.</summary>
    Skipped,
    /// <summary>The registry mounted the blob from another repository; nothing was sent.</summary>
    Mounted,
}
