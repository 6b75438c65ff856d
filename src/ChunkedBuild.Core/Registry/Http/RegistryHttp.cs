using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>What a request carries and how its answer is read, which decides its deadline.</summary>
internal enum RegistryExchange
{
    /// <summary>The answer is a document (manifest, index, tag list, upload status, error): headers and body within
    /// <see cref="RegistryClientOptions.RequestTimeout"/>, the body buffered (at most <see cref="RegistryHttp.MaxDocumentBytes"/>).</summary>
    Document,

    /// <summary>A blob download: the headers within <see cref="RegistryClientOptions.RequestTimeout"/>; a success body is left to the caller,
    /// who reads it under <see cref="RegistryClientOptions.IdleTimeout"/> (an error body is buffered like a document's).</summary>
    BlobDownload,

    /// <summary>A request carrying blob bytes: sending them and the whole answer within <see cref="RegistryClientOptions.UploadTimeout"/>.</summary>
    BlobUpload,
}

/// <summary>
/// The HTTP plumbing under <see cref="RegistryClient"/>: the handler pipeline (<see cref="RegistryAuthHandler"/> over
/// <see cref="HostRoutingHandler"/>), the scheme per registry, whole-request deadlines per attempt, the <c>User-Agent</c>, manual
/// redirects (credentials only to the same origin, by <see cref="CredentialPolicy.AllowsRedirect"/>) and retries.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    /// <summary>The largest document answer read (distribution refuses manifests over 4 MiB; this leaves room for registries that allow more).</summary>
    public const int MaxDocumentBytes = 32 << 20;

    private const int MaxRedirects = 10;

    private readonly HttpMessageInvoker _api;
    private readonly HttpMessageInvoker _raw;
    private readonly RegistryClientOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<Uri>>> _baseUris = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _userAgent;
    private readonly CredentialPolicy _credentialPolicy;

    public RegistryHttp(RegistryClientOptions options)
    {
        _options = options;
        _credentialPolicy = options.CredentialPolicy;
        var transport = HostRoutingHandler.Create(options);
        _raw = new HttpMessageInvoker(transport, disposeHandler: false);
        _api = new HttpMessageInvoker(new RegistryAuthHandler(options.Credentials, transport,
            new RegistryAuthOptions { CredentialPolicy = options.CredentialPolicy }), disposeHandler: true);
        Retry = new RetryPolicy(options.Retry);
        var version = typeof(RegistryHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        _userAgent = $"ChunkedBuild/{version.Split('+')[0]}";
    }

    /// <summary>The retry policy of every operation.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>
    /// <c>https://host/</c>, or <c>http://host/</c> for an insecure registry (loopback, listed, or <c>--insecure</c>) whose HTTPS
    /// handshake fails: like the .NET SDK, insecure registries are tried with HTTPS first (certificates unchecked) and fall back
    /// to plain HTTP. The answer is probed once per registry with <c>GET /v2/</c> and kept.
    /// </summary>
    public Task<Uri> BaseUriAsync(string apiHost) =>
        _baseUris.GetOrAdd(apiHost, host => new Lazy<Task<Uri>>(() => ProbeAsync(host))).Value;

    private async Task<Uri> ProbeAsync(string host)
    {
        var https = new Uri($"https://{host}/");
        if (!_options.IsInsecure(host)) return https;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(https, "v2/"));
            using var response = await SendOnceAsync(request, CancellationToken.None, authenticate: false).ConfigureAwait(false);
            return https;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return new Uri($"http://{host}/");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException)
        {
            // Unreachable over HTTPS for another reason: try plain HTTP (what an insecure, usually local, registry serves)
            // this time, and probe again next time instead of remembering a guess.
            _baseUris.TryRemove(host, out _);
            return new Uri($"http://{host}/");
        }
    }

    /// <summary>
    /// Sends the request <paramref name="create"/> builds (a fresh one per attempt), retrying transient failures; returns the
    /// first response that is not worth retrying, whatever its status.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken,
        RegistryExchange exchange = RegistryExchange.Document) =>
        Retry.RunAsync(Describe(create), async (_, ct) =>
        {
            using var request = create();
            var response = await SendOnceAsync(request, ct, exchange).ConfigureAwait(false);
            if (RetryPolicy.IsRetryable(response.StatusCode))
                throw await RetryableStatusException.FromAsync(response, RegistryErrors.Describe(request.Method, request.RequestUri!), ct).ConfigureAwait(false);
            return response;
        }, cancellationToken);

    /// <summary>
    /// Sends one request (no retries), following redirects of GET and HEAD requests, within the deadline of its
    /// <paramref name="exchange"/>: the whole answer of a document (headers and body, which is buffered), the headers of a blob
    /// download, everything of an upload. A missed deadline becomes a <see cref="TimeoutException"/> naming the URL and the limit.
    /// </summary>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        RegistryExchange exchange = RegistryExchange.Document, bool authenticate = true)
    {
        request.Headers.UserAgent.Clear();
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        if (_options.ForPush) request.Options.Set(RegistryAuthHandler.PushIntentOption, true);
        var (limit, name) = exchange == RegistryExchange.BlobUpload ? (_options.UploadTimeout, "upload timeout") : (_options.RequestTimeout, "request timeout");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        HttpResponseMessage? response = null;
        try
        {
            response = await (authenticate ? _api : _raw).SendAsync(request, deadline.Token).ConfigureAwait(false);
            response = await FollowRedirectsAsync(request, response, deadline.Token).ConfigureAwait(false);
            if (request.Method != HttpMethod.Head && (exchange != RegistryExchange.BlobDownload || !response.IsSuccessStatusCode))
                await BufferBodyAsync(response, request, deadline.Token).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw new TimeoutException($"{RegistryErrors.Describe(request.Method, request.RequestUri!)} got no complete answer within " +
                                       $"{limit.TotalSeconds:0.###} s (the {name})", e);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the body into memory, so the caller's reads cannot outlive the deadline: a success document up to
    /// <see cref="MaxDocumentBytes"/> (longer is CHB4005), an error body up to <see cref="ResponseBodies.MaxErrorBytes"/> (the rest is dropped).
    /// </summary>
    private static async Task BufferBodyAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var success = response.IsSuccessStatusCode;
        var (body, truncated) = await ResponseBodies.ReadAtMostAsync(response.Content, success ? MaxDocumentBytes : ResponseBodies.MaxErrorBytes, cancellationToken).ConfigureAwait(false);
        if (truncated && success)
            throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError,
                $"{RegistryErrors.Describe(request.Method, request.RequestUri!)}: the answer is longer than the {MaxDocumentBytes} bytes accepted");
        var buffered = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content.Dispose();
        response.Content = buffered;
    }

    private async Task<HttpResponseMessage> FollowRedirectsAsync(HttpRequestMessage original, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var origin = original.RequestUri!;
        var current = origin;
        for (var hop = 0; IsRedirect(response.StatusCode) && (original.Method == HttpMethod.Get || original.Method == HttpMethod.Head); hop++)
        {
            if (hop == MaxRedirects)
            {
                response.Dispose();
                throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError, $"{RegistryErrors.Describe(original.Method, origin)} redirected more than {MaxRedirects} times");
            }
            var location = response.Headers.Location;
            if (location is null) return response;
            response.Dispose();
            current = location.IsAbsoluteUri ? location : new Uri(current, location);
            using var next = new HttpRequestMessage(original.Method, current);
            foreach (var header in original.Headers)
            {
                if (header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) continue;
                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            foreach (var option in original.Options) ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
            // Credentials go only back to the origin itself: a blob redirected to storage (S3, a CDN) carries a signed URL instead,
            // and a redirect to plain HTTP or another host never carries them.
            var keepCredentials = _credentialPolicy.AllowsRedirect(origin, current);
            response = await (keepCredentials ? _api : _raw).SendAsync(next, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Describe(Func<HttpRequestMessage> create)
    {
        using var sample = create();
        return RegistryErrors.Describe(sample.Method, sample.RequestUri!);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _api.Dispose();
        _raw.Dispose();
    }
}
