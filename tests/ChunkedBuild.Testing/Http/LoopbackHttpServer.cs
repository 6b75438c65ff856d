using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChunkedBuild.Testing.Http;

/// <summary>One request a <see cref="LoopbackHttpServer"/> received: request line, headers (names case-insensitive) and body.</summary>
public sealed record LoopbackRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The path of the target, without its query.</summary>
    public string Path => Target.Split('?', 2)[0];

    /// <summary>The query of the target without its <c>?</c>, or empty.</summary>
    public string Query => Target.Contains('?') ? Target.Split('?', 2)[1] : "";

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for in-process fakes (token endpoints, registries that misbehave on purpose). It binds
/// port 0 and holds that socket from construction to <see cref="Dispose"/>, so its port is never chosen, released and re-bound
/// (the race of "find a free port, then listen on it"). Each connection carries one request; the handler writes the whole answer
/// (or none, or a slow one) to the stream, and the connection is closed when it returns. TLS connections are closed at once.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private const int MaxHeaderBytes = 64 << 10;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackRequest, Stream, CancellationToken, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<LoopbackRequest> _requests = [];
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    /// <summary>Starts listening; <paramref name="handle"/> answers each request (its token is cancelled on dispose).</summary>
    public LoopbackHttpServer(Func<LoopbackRequest, Stream, CancellationToken, Task> handle)
    {
        _handle = handle;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port, held until dispose.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as image references spell a registry.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri => new($"http://{Host}/");

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<LoopbackRequest> Requests { get { lock (_lock) return _requests.ToArray(); } }

    /// <summary>Writes a complete answer with <c>Content-Length</c> and <c>Connection: close</c>.</summary>
    public static async Task RespondAsync(Stream stream, int status, string? body = null, string contentType = "application/json",
        IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        var head = new StringBuilder($"HTTP/1.1 {status} {ReasonOf(status)}\r\n");
        if (body is not null) head.Append($"Content-Type: {contentType}\r\n");
        foreach (var (name, value) in headers ?? []) head.Append($"{name}: {value}\r\n");
        head.Append($"Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes only the status line and headers (the handler then writes the body, or stalls).</summary>
    public static async Task RespondHeadersAsync(Stream stream, int status, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {ReasonOf(status)}\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_lock) _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is null) return;
                lock (_lock) _requests.Add(request);
                await _handle(request, stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    private static async Task<LoopbackRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) return null;
            // A TLS ClientHello (a handshake record, 0x16): this server speaks plain HTTP only, so the connection is closed at once
            // (a client probing HTTPS first, as registry clients do for insecure hosts, then falls back without waiting).
            if (head.Length == 0 && one[0] == 0x16) return null;
            head.WriteByte(one[0]);
            if (head.Length > MaxHeaderBytes) throw new IOException("request headers too long");
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        byte[] body;
        if (headers.TryGetValue("Content-Length", out var length))
        {
            body = new byte[int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body, cancellationToken);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(stream, cancellationToken);
        }
        else
        {
            body = [];
        }
        return new LoopbackRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync(stream, cancellationToken)).Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                while ((await ReadLineAsync(stream, cancellationToken)).Length > 0) { } // trailers
                return body.ToArray();
            }
            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk, cancellationToken);
            body.Write(chunk);
            await ReadLineAsync(stream, cancellationToken);
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) throw new IOException("connection closed in a chunked body");
            if (one[0] == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
    }

    private static bool EndsWithBlankLine(MemoryStream head)
    {
        if (head.Length < 4) return false;
        var b = head.GetBuffer();
        var n = (int)head.Length;
        return b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK", 201 => "Created", 202 => "Accepted", 204 => "No Content", 206 => "Partial Content",
        301 => "Moved Permanently", 302 => "Found", 307 => "Temporary Redirect",
        400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found",
        429 => "Too Many Requests", 500 => "Internal Server Error", 503 => "Service Unavailable",
        _ => "Status",
    };

    /// <summary>Stops listening (the port's only release), cancels running handlers and waits for them.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Task[] running;
        lock (_lock) running = [.. _connections, _accepting];
        try { Task.WaitAll(running, TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
