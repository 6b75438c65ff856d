using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>The faults a <see cref="FaultProxy"/> injects.</summary>
public enum Fault
{
    /// <summary>Forward the request and relay the answer.</summary>
    None,
    /// <summary>Answer 500 with a distribution error body, without forwarding.</summary>
    ServerError,
    /// <summary>Answer 429 with <c>Retry-After: 0</c>, without forwarding.</summary>
    TooManyRequests,
    /// <summary>Forward the headers and half the body (if any), then cut both connections.</summary>
    DropRequestBody,
    /// <summary>Forward the request, relay the headers and half the answer's body, then cut the connection.</summary>
    DropResponseBody,
    /// <summary>Read the request and never answer (until the client gives up).</summary>
    Stall,
}

/// <summary>What a <see cref="FaultProxy"/> does with <c>Range</c> GETs of blobs: the answers registries give in the field.</summary>
public enum RangeFault
{
    /// <summary>Forward them.</summary>
    None,
    /// <summary>Answer GETs with several ranges 501 Not Implemented (single ranges are forwarded).</summary>
    MultiRangeNotImplemented,
    /// <summary>Answer GETs with several ranges 416 Range Not Satisfiable (single ranges are forwarded).</summary>
    MultiRangeNotSatisfiable,
    /// <summary>Drop the <c>Range</c> header: the registry answers 200 with the whole blob (what S3-backed registries do).</summary>
    WholeBlob,
}

/// <summary>
/// An HTTP/1.1 proxy on 127.0.0.1 between a client and a registry that injects faults chosen from a fixed seed: dropped
/// connections mid-body, 500 and 429 answers, stalls. One request per client connection (every answer closes it); at most
/// <c>maxFaults</c> faults, so a client with enough retries always gets through.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private static readonly Fault[] Kinds = [Fault.ServerError, Fault.TooManyRequests, Fault.DropRequestBody, Fault.DropResponseBody, Fault.Stall];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly Random _random;
    private readonly double _probability;
    private readonly int _maxFaults;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Fault, int> _injected = [];
    private int _faults;
    private int _rangeRequests;

    /// <summary>Starts a proxy to <paramref name="upstreamPort"/> on 127.0.0.1.</summary>
    public FaultProxy(int upstreamPort, int seed, double probability, int maxFaults)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        _random = new Random(seed);
        _probability = probability;
        _maxFaults = maxFaults;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    /// <summary>The registry name to use: <c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>What to do with <c>Range</c> GETs of blobs (deterministic, besides the random faults).</summary>
    public RangeFault Ranges { get; init; }

    /// <summary>The <c>Range</c> GETs of blobs seen so far.</summary>
    public int RangeRequests => Volatile.Read(ref _rangeRequests);

    /// <summary>Faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<Fault, int> Injected { get { lock (_lock) return new Dictionary<Fault, int>(_injected); } }

    private Fault Next()
    {
        lock (_lock)
        {
            var roll = _random.NextDouble();
            var kind = Kinds[_random.Next(Kinds.Length)];
            if (_faults >= _maxFaults || roll >= _probability) return Fault.None;
            _faults++;
            _injected[kind] = _injected.GetValueOrDefault(kind) + 1;
            return kind;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var owned = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null) return; // a TLS hello or garbage: just close, like a plain-HTTP server would fail the handshake
            var headText = Encoding.ASCII.GetString(head);
            var length = ContentLength(headText);
            if (headText.StartsWith("GET ", StringComparison.Ordinal) && headText.Split("\r\n")[0].Contains("/blobs/", StringComparison.Ordinal)
                && Header(headText, "Range") is { } range)
            {
                Interlocked.Increment(ref _rangeRequests);
                var several = range.Contains(',', StringComparison.Ordinal);
                switch (Ranges)
                {
                    case RangeFault.MultiRangeNotImplemented when several:
                        await ReplyAsync(stream, "501 Not Implemented", "", "");
                        return;
                    case RangeFault.MultiRangeNotSatisfiable when several:
                        await ReplyAsync(stream, "416 Range Not Satisfiable", "", "");
                        return;
                    case RangeFault.WholeBlob:
                        headText = string.Join("\r\n", headText.Split("\r\n").Where(l => !l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)));
                        break;
                }
            }
            var fault = Next();
            switch (fault)
            {
                case Fault.ServerError:
                    await DrainAsync(stream, length);
                    await ReplyAsync(stream, "500 Internal Server Error", """{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}""", "");
                    return;
                case Fault.TooManyRequests:
                    await DrainAsync(stream, length);
                    await ReplyAsync(stream, "429 Too Many Requests", """{"errors":[{"code":"TOOMANYREQUESTS","message":"injected fault"}]}""", "Retry-After: 0\r\n");
                    return;
                case Fault.Stall:
                    await DrainAsync(stream, length);
                    // Wait for the client to give up (it closes the connection) or for the proxy to stop.
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                    {
                        wait.CancelAfter(TimeSpan.FromSeconds(30));
                        try { _ = await stream.ReadAsync(new byte[1], wait.Token); } catch (Exception e) when (e is OperationCanceledException or IOException) { }
                    }
                    return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_upstream);
            var up = upstream.GetStream();
            // One request per upstream connection: the answer then ends where the registry closes it.
            await up.WriteAsync(Encoding.ASCII.GetBytes(ForceClose(headText)));
            if (fault == Fault.DropRequestBody)
            {
                await CopyAsync(stream, up, length / 2);
                client.Client.LingerState = new LingerOption(true, 0);
                return; // both connections close mid-request
            }
            await CopyAsync(stream, up, length);
            var answer = new MemoryStream();
            await up.CopyToAsync(answer);
            var bytes = answer.ToArray();
            if (fault == Fault.DropResponseBody)
            {
                var bodyStart = IndexOf(bytes, "\r\n\r\n"u8) + 4;
                var cut = bodyStart + (bytes.Length - bodyStart) / 2;
                await stream.WriteAsync(bytes.AsMemory(0, cut));
                client.Client.LingerState = new LingerOption(true, 0);
                return;
            }
            await stream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static async Task<byte[]?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            if (buffer.Count == 0 && one[0] is < (byte)'A' or > (byte)'Z') return null;
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n') return [.. buffer];
            if (buffer.Count > 64 << 10) return null;
        }
    }

    private static string? Header(string head, string name) =>
        head.Split("\r\n").Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    private static long ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) return long.Parse(line["Content-Length:".Length..].Trim());
        }
        return 0;
    }

    private static string ForceClose(string head)
    {
        var lines = head.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)).ToList();
        return string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n";
    }

    private static async Task CopyAsync(Stream from, Stream to, long count)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var n = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            if (n == 0) throw new IOException("client closed");
            await to.WriteAsync(buffer.AsMemory(0, n));
            count -= n;
        }
    }

    private static Task DrainAsync(Stream stream, long count) => CopyAsync(stream, Stream.Null, count);

    private static async Task ReplyAsync(Stream stream, string status, string body, string extraHeaders)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
