using System.Collections.Concurrent;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>A transport for tests: the real network (plain sockets, no redirects) with every request and its body size recorded.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
{
    /// <summary>Method, path and query, and the request body length, of each request.</summary>
    public ConcurrentQueue<(HttpMethod Method, Uri Uri, long BodyBytes)> Requests { get; } = new();

    /// <summary>Total request body bytes sent to blob upload URLs.</summary>
    public long UploadedBlobBytes => Requests.Where(r => r.Uri.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal)).Sum(r => r.BodyBytes);

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue((request.Method, request.RequestUri!, request.Content?.Headers.ContentLength ?? 0));
        return base.SendAsync(request, cancellationToken);
    }
}
