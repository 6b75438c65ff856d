using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>
/// The HTTP plumbing under <see cref="RegistryClient"/>: the handler pipeline (<see cref="RegistryAuthHandler"/> over
/// <see cref="HostRoutingHandler"/>), the scheme per registry, per-attempt timeouts, the <c>User-Agent</c>, manual redirects
/// (dropping credentials when the host changes) and retries.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    private const int MaxRedirects = 10;

    private readonly HttpMessageInvoker _api;
    private readonly HttpMessageInvoker _raw;
    private readonly RegistryClientOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<Uri>>> _baseUris = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _userAgent;

    public RegistryHttp(RegistryClientOptions options)
    {
        _options = options;
        var transport = HostRoutingHandler.Create(options);
        _raw = new HttpMessageInvoker(transport, disposeHandler: false);
        _api = new HttpMessageInvoker(new RegistryAuthHandler(options.Credentials, transport), disposeHandler: true);
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
    public Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken) =>
        Retry.RunAsync(Describe(create), async (_, ct) =>
        {
            using var request = create();
            var response = await SendOnceAsync(request, ct).ConfigureAwait(false);
            if (RetryPolicy.IsRetryable(response.StatusCode))
                throw await RetryableStatusException.FromAsync(response, RegistryErrors.Describe(request.Method, request.RequestUri!), ct).ConfigureAwait(false);
            return response;
        }, cancellationToken);

    /// <summary>
    /// Sends one request (no retries) within <see cref="RegistryClientOptions.RequestTimeout"/>, following redirects of GET and
    /// HEAD requests. A timeout becomes a <see cref="TimeoutException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool authenticate = true)
    {
        request.Headers.UserAgent.Clear();
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var response = await (authenticate ? _api : _raw).SendAsync(request, timeout.Token).ConfigureAwait(false);
            return await FollowRedirectsAsync(request, response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{RegistryErrors.Describe(request.Method, request.RequestUri!)} got no response within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
        }
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
            // Credentials go only to the registry itself: a blob redirected to storage (S3, a CDN) carries a signed URL instead.
            var sameHost = string.Equals(current.Authority, origin.Authority, StringComparison.OrdinalIgnoreCase) && current.Scheme == origin.Scheme;
            response = await (sameHost ? _api : _raw).SendAsync(next, cancellationToken).ConfigureAwait(false);
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
