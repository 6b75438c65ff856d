using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ChunkedBuild.Core.Conversion.Planning;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server (a registry), shaped like a network link — this kernel has no netem. Each direction is
/// one bottleneck shared by every connection: a piece read from one side is queued for its serialization time (bytes × 8 / rate, after
/// whatever the direction still has queued) plus the one-way delay (half the RTT), then delivered. Counters count bytes when they are
/// <em>delivered</em> (a counter of bytes read from the server would run ahead by the queue). Every connection is also followed as HTTP/1.1
/// (<see cref="Exchanges"/>). Without a <see cref="LinkProfile"/> it forwards at once (a recording proxy). TCP's own slow start is not
/// modelled: both legs are loopback connections.
/// </summary>
public sealed class ShapedLink : IDisposable
{
    /// <summary>Bytes read per piece: at 100 Mbit/s, 16 KiB is 1.3 ms of serialization.</summary>
    private const int PieceBytes = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly Direction _up;
    private readonly Direction _down;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<HttpExchange> _exchanges = [];
    private readonly List<string> _unparsed = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private ShapedLink(IPEndPoint upstream, LinkProfile? profile)
    {
        _upstream = upstream;
        Profile = profile;
        _up = new Direction(profile, _clock);
        _down = new Direction(profile, _clock);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Starts a link in front of <paramref name="upstream"/>, shaped by <paramref name="profile"/> (null: no shaping).</summary>
    public static ShapedLink Start(IPEndPoint upstream, LinkProfile? profile) => new(upstream, profile);

    /// <summary>The shape, or null when the link only records.</summary>
    public LinkProfile? Profile { get; }

    /// <summary>The port pullers connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>127.0.0.1:port</c>: the registry host as pullers name it through this link.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The link's clock: the time base of <see cref="HttpExchange"/> and of callers' own events.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Bytes delivered to the server so far.</summary>
    public long BytesUp => Interlocked.Read(ref _up.Delivered);

    /// <summary>Bytes delivered to the clients so far.</summary>
    public long BytesDown => Interlocked.Read(ref _down.Delivered);

    /// <summary>Every completed request/response pair so far, in completion order.</summary>
    public IReadOnlyList<HttpExchange> Exchanges
    {
        get { lock (_exchanges) return [.. _exchanges]; }
    }

    /// <summary>Connections that could not be followed as HTTP/1.1 (why), so their exchanges are missing from <see cref="Exchanges"/>.</summary>
    public IReadOnlyList<string> Unparsed
    {
        get { lock (_exchanges) return [.. _unparsed]; }
    }

    /// <summary>Forgets the exchanges and zeroes the counters (between measured runs; open connections keep going).</summary>
    public void Reset()
    {
        lock (_exchanges)
        {
            _exchanges.Clear();
            _unparsed.Clear();
        }
        Interlocked.Exchange(ref _up.Delivered, 0);
        Interlocked.Exchange(ref _down.Delivered, 0);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ConnectionAsync(client));
        }
    }

    private async Task ConnectionAsync(Socket client)
    {
        using var _ = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return;
        }
        var http = new HttpExchangeParser(e =>
        {
            lock (_exchanges) _exchanges.Add(e);
        });
        await Task.WhenAll(
            PumpAsync(client, server, _up, (b, at) => http.OnRequestBytes(b.Span, at), _ => { }),
            PumpAsync(server, client, _down, (b, at) => http.OnResponseBytes(b.Span, at), http.OnResponseEnd));
        if (http.Unparsed is { } why)
        {
            lock (_exchanges) _unparsed.Add(why);
        }
    }

    /// <summary>Reads pieces from <paramref name="from"/>, queues each on the direction's clock and delivers it to <paramref name="to"/> on time.</summary>
    private async Task PumpAsync(Socket from, Socket to, Direction direction, Action<ReadOnlyMemory<byte>, TimeSpan> delivered, Action<TimeSpan> ended)
    {
        var queue = Channel.CreateUnbounded<(byte[] Piece, int Length, long DueTicks)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var piece = new byte[PieceBytes];
                    var n = await from.ReceiveAsync(piece, SocketFlags.None, _stop.Token);
                    if (n == 0) break;
                    queue.Writer.TryWrite((piece, n, direction.Schedule(n)));
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                queue.Writer.TryComplete();
            }
        });
        try
        {
            await foreach (var (piece, length, due) in queue.Reader.ReadAllAsync(_stop.Token))
            {
                var wait = TimeSpan.FromTicks(due - _clock.Elapsed.Ticks);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, _stop.Token);
                // Followed before it is forwarded: once a request reaches the server, its answer may come back and be parsed before
                // this thread runs again, and a response must never be read ahead of the request it answers.
                delivered(piece.AsMemory(0, length), _clock.Elapsed);
                await to.SendAsync(piece.AsMemory(0, length), SocketFlags.None, _stop.Token);
                Interlocked.Add(ref direction.Delivered, length);
            }
            ended(_clock.Elapsed);
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            try { from.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        }
        await reading;
    }

    /// <summary>Stops accepting and drops every connection.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    /// <summary>One direction's bottleneck: when it is free again, and the bytes it delivered.</summary>
    private sealed class Direction(LinkProfile? profile, Stopwatch clock)
    {
        private readonly object _gate = new();
        private long _freeAtTicks;

        /// <summary>Bytes delivered (read and written with <see cref="Interlocked"/>).</summary>
        public long Delivered;

        /// <summary>Queues <paramref name="bytes"/> behind what the direction already carries; returns when they arrive (clock ticks).</summary>
        public long Schedule(int bytes)
        {
            var now = clock.Elapsed.Ticks;
            if (profile is null) return now;
            lock (_gate)
            {
                _freeAtTicks = Math.Max(_freeAtTicks, now) + profile.Serialization(bytes).Ticks;
                return _freeAtTicks + profile.OneWayDelay.Ticks;
            }
        }
    }
}
