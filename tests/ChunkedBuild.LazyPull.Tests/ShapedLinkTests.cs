using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
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
        using var server = new KeepAliveServer();
        var ct = TestContext.Current.CancellationToken;
        using var link = ShapedLink.Start(server.EndPoint, profile: null);
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
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 1500 && !condition(); i++) await Task.Delay(20, ct);
    }

    /// <summary>
    /// The upstream: HTTP/1.1 with keep-alive (several exchanges on one connection, as containerd's client makes them), on a port bound
    /// to 0 and held until disposed. Answers <c>/empty</c> with 204, <c>/chunked</c> with 12,345 bytes in three chunks, a Range GET
    /// with 206 and the range of <see cref="Blob"/>, anything else with the whole blob (no body for HEAD).
    /// </summary>
    private sealed class KeepAliveServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public KeepAliveServer()
        {
            _listener.Start();
            _accepting = Task.Run(AcceptAsync);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            while (true)
            {
                try
                {
                    connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }
            }
            await Task.WhenAll(connections);
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    while (await ReadHeadAsync(stream, _stop.Token) is { } head) await stream.WriteAsync(Answer(head), _stop.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client went away or the test is over.
                }
            }
        }

        private static byte[] Answer(string head)
        {
            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var (method, path) = (lines[0].Split(' ')[0], lines[0].Split(' ')[1]);
            var range = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?["Range:".Length..].Trim();
            var answer = new MemoryStream();
            void Write(string text) => answer.Write(Encoding.ASCII.GetBytes(text));
            if (path == "/empty")
            {
                Write("HTTP/1.1 204 No Content\r\n\r\n");
            }
            else if (path == "/chunked")
            {
                Write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                foreach (var size in (int[])[4_000, 4_000, 12_345 - 8_000])
                {
                    Write($"{size:x}\r\n");
                    answer.Write(new byte[size]);
                    Write("\r\n");
                }
                Write("0\r\n\r\n");
            }
            else if (range is not null)
            {
                var bounds = range["bytes=".Length..].Split('-').Select(int.Parse).ToArray();
                var length = bounds[1] - bounds[0] + 1;
                Write($"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {bounds[0]}-{bounds[1]}/{Blob.Length}\r\nContent-Length: {length}\r\n\r\n");
                answer.Write(Blob, bounds[0], length);
            }
            else
            {
                Write($"HTTP/1.1 200 OK\r\nContent-Length: {Blob.Length}\r\n\r\n");
                if (method != "HEAD") answer.Write(Blob);
            }
            return answer.ToArray();
        }

        /// <summary>The next request's line and headers (GET and HEAD carry no body), or null when the client closed the connection.</summary>
        private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken ct)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, ct) == 0) return null;
                head.Append((char)one[0]);
            }
            return head.ToString();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _accepting.Wait();
            _stop.Dispose();
        }
    }
}
