using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ChunkedBuild.Testing.LazyPull;
using Xunit;

namespace ChunkedBuild.LazyPull.Tests;

/// <summary>
/// The recording side of <see cref="ShapedLink"/> (the lazy-start checks and the bench read it): every request/response pair that crosses
/// it, framed by Content-Length, chunked encoding or the connection's end, with its Range header, status and body bytes, and the bytes
/// delivered each way. Needs no FUSE: an in-process HTTP server stands in for the registry.
/// </summary>
public sealed class ShapedLinkTests
{
    private static readonly byte[] Blob = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task Every_exchange_is_recorded_with_its_range_status_and_body_bytes_and_the_counters_match_the_wire()
    {
        using var server = new HttpListener();
        var port = FreePort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var ct = TestContext.Current.CancellationToken;
        var serving = Task.Run(() => Serve(server), ct);
        using var link = ShapedLink.Start(new IPEndPoint(IPAddress.Loopback, port), profile: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://{link.Host}/") };
        const string blob = "v2/app/blobs/sha256:0123";

        using (var range = new HttpRequestMessage(HttpMethod.Get, blob) { Headers = { Range = new RangeHeaderValue(1000, 50_999) } })
        using (var response = await client.SendAsync(range, ct))
            Assert.Equal(50_000, (await response.Content.ReadAsByteArrayAsync(ct)).Length);
        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, blob), ct))
            Assert.Equal(Blob.Length, head.Content.Headers.ContentLength);
        Assert.Equal(Blob, await client.GetByteArrayAsync(blob, ct));
        Assert.Equal(12_345, (await client.GetByteArrayAsync("chunked", ct)).Length);
        using (var empty = await client.GetAsync("empty", ct)) Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        client.Dispose(); // closes the connection: the link sees both ends finish
        await WaitUntil(() => link.Exchanges.Count == 5 || link.Unparsed.Count > 0, ct);
        Assert.Empty(link.Unparsed);

        var exchanges = link.Exchanges;
        Assert.Equal(
            [("GET", "bytes=1000-50999", 206, 50_000L), ("HEAD", null, 200, 0), ("GET", null, 200, Blob.Length), ("GET", null, 200, 12_345), ("GET", null, 204, 0)],
            exchanges.Select(e => (e.Method, e.Range, e.Status, e.BodyBytes)));
        Assert.Equal("sha256:0123", exchanges[0].BlobDigest);
        Assert.Null(exchanges[3].BlobDigest);
        Assert.True(exchanges[0].IsRangeGet);
        Assert.All(exchanges, e => Assert.True(e.CompletedAt >= e.RequestedAt));
        // Bytes delivered to the client: every response's head, framing and body.
        Assert.Equal(exchanges.Sum(e => e.WireBytes), link.BytesDown);
        Assert.True(link.BytesUp > 0);
        Assert.Empty(link.Unparsed);

        link.Reset();
        Assert.Equal(0, link.BytesDown);
        Assert.Empty(link.Exchanges);
        server.Stop();
        await serving;
    }

    private static async Task Serve(HttpListener server)
    {
        while (server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await server.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var (request, response) = (context.Request, context.Response);
            var path = request.Url!.AbsolutePath;
            if (path == "/empty")
            {
                response.StatusCode = 204;
            }
            else if (path == "/chunked")
            {
                response.SendChunked = true;
                for (var i = 0; i < 3; i++) await response.OutputStream.WriteAsync(new byte[i == 2 ? 12_345 - 8_000 : 4_000]);
            }
            else if (request.Headers["Range"] is { } range)
            {
                var bounds = range["bytes=".Length..].Split('-').Select(long.Parse).ToArray();
                response.StatusCode = 206;
                response.ContentLength64 = bounds[1] - bounds[0] + 1;
                await response.OutputStream.WriteAsync(Blob.AsMemory((int)bounds[0], (int)(bounds[1] - bounds[0] + 1)));
            }
            else
            {
                response.ContentLength64 = Blob.Length;
                if (request.HttpMethod != "HEAD") await response.OutputStream.WriteAsync(Blob);
            }
            response.Close();
        }
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 1500 && !condition(); i++) await Task.Delay(20, ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
