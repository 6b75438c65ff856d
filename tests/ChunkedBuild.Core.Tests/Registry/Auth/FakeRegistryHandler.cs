using System.Net;
using System.Text;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>What the fake transport saw of one request (body read at send time).</summary>
internal sealed record SeenRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body);

/// <summary>An in-memory transport: answers with a test-supplied function and records each request (method, URI, auth, body).</summary>
internal sealed class FakeRegistryHandler(Func<SeenRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<SeenRequest> _seen = [];

    public IReadOnlyList<SeenRequest> Seen { get { lock (_lock) return _seen.ToArray(); } }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var seen = new SeenRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body);
        lock (_lock) _seen.Add(seen);
        var response = respond(seen);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status, string? wwwAuthenticate = null, string? json = null)
    {
        var response = new HttpResponseMessage(status);
        if (wwwAuthenticate is not null) response.Headers.TryAddWithoutValidation("WWW-Authenticate", wwwAuthenticate);
        if (json is not null) response.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return response;
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A credential provider that returns fixed credentials and counts lookups.</summary>
internal sealed class FixedCredentials(RegistryCredentialFactory factory) : ChunkedBuild.Core.Registry.Auth.ICredentialProvider
{
    public int Calls;
    public List<(string Host, bool Push)> Asked { get; } = [];

    public ValueTask<ChunkedBuild.Core.Registry.Auth.RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        lock (Asked) Asked.Add((registryHost, forPush));
        return ValueTask.FromResult(factory(registryHost, forPush));
    }
}

internal delegate ChunkedBuild.Core.Registry.Auth.RegistryCredential? RegistryCredentialFactory(string host, bool forPush);
