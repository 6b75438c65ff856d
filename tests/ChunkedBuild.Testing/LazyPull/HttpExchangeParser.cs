using System.Globalization;
using System.Text;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>
/// Reads the two byte streams of one HTTP/1.1 connection (as they are delivered, in any slicing) and reports each completed
/// request/response pair. Heads end at an empty line; a body is framed by <c>Content-Length</c>, <c>Transfer-Encoding: chunked</c> or (a
/// response) the connection's end; HEAD, 1xx, 204 and 304 responses have none. Responses answer requests in order (no pipelining is
/// assumed beyond that). Anything it cannot frame marks the connection <see cref="Unparsed"/> and stops the reporting. The two streams
/// are fed from two threads (one per direction of the link); one lock keeps the queue of requests consistent between them.
/// </summary>
internal sealed class HttpExchangeParser
{
    private readonly Lock _gate = new();
    private readonly Action<HttpExchange> _completed;
    private readonly Queue<(string Method, string Target, string? Range, TimeSpan At)> _requests = new();
    private readonly MessageReader _request;
    private readonly MessageReader _response;

    public HttpExchangeParser(Action<HttpExchange> completed)
    {
        _completed = completed;
        _request = new MessageReader(isResponse: false, this);
        _response = new MessageReader(isResponse: true, this);
    }

    /// <summary>Why the connection could not be followed, or null.</summary>
    public string? Unparsed { get; private set; }

    /// <summary>Bytes the client sent, as the server received them at <paramref name="at"/>.</summary>
    public void OnRequestBytes(ReadOnlySpan<byte> bytes, TimeSpan at)
    {
        lock (_gate)
        {
            if (Unparsed is null) _request.Feed(bytes, at);
        }
    }

    /// <summary>Bytes the server sent, as the client received them at <paramref name="at"/>.</summary>
    public void OnResponseBytes(ReadOnlySpan<byte> bytes, TimeSpan at)
    {
        lock (_gate)
        {
            if (Unparsed is null) _response.Feed(bytes, at);
        }
    }

    /// <summary>The server closed its side: a response framed by the connection's end is complete.</summary>
    public void OnResponseEnd(TimeSpan at)
    {
        lock (_gate)
        {
            if (Unparsed is null) _response.End(at);
        }
    }

    private void Fail(string why) => Unparsed ??= why;

    private void RequestHead(string method, string target, string? range, TimeSpan at) => _requests.Enqueue((method, target, range, at));

    private string? PendingMethod => _requests.TryPeek(out var r) ? r.Method : null;

    private void ResponseDone(int status, long body, long wire, TimeSpan at)
    {
        if (!_requests.TryDequeue(out var request))
        {
            Fail("a response without a request");
            return;
        }
        _completed(new HttpExchange(request.Method, request.Target, request.Range, status, body, wire, request.At, at));
    }

    /// <summary>One direction: head, then a body framed one of four ways.</summary>
    private sealed class MessageReader(bool isResponse, HttpExchangeParser owner)
    {
        private enum State { Head, Fixed, ChunkSize, ChunkData, ChunkEnd, Trailer, UntilClose }

        private const int MaxLine = 64 * 1024;
        private readonly List<byte> _line = [];
        private State _state = State.Head;
        private long _remaining;
        private int _status;
        private long _body;
        private long _wire;

        public void Feed(ReadOnlySpan<byte> bytes, TimeSpan at)
        {
            while (!bytes.IsEmpty && owner.Unparsed is null)
            {
                switch (_state)
                {
                    case State.Head or State.ChunkSize or State.ChunkEnd or State.Trailer:
                        var newline = bytes.IndexOf((byte)'\n');
                        var take = newline < 0 ? bytes.Length : newline + 1;
                        _line.AddRange(bytes[..take]);
                        _wire += take;
                        bytes = bytes[take..];
                        if (_line.Count > MaxLine) owner.Fail("a header line over 64 KiB");
                        else if (newline >= 0) Line(Encoding.Latin1.GetString([.. _line]).TrimEnd('\r', '\n'), at);
                        break;
                    case State.Fixed or State.ChunkData:
                        var n = (int)Math.Min(_remaining, bytes.Length);
                        _remaining -= n;
                        _body += n;
                        _wire += n;
                        bytes = bytes[n..];
                        if (_remaining > 0) break;
                        if (_state == State.ChunkData) _state = State.ChunkEnd;
                        else Done(at);
                        break;
                    case State.UntilClose:
                        _body += bytes.Length;
                        _wire += bytes.Length;
                        bytes = [];
                        break;
                }
            }
        }

        public void End(TimeSpan at)
        {
            if (_state == State.UntilClose) Done(at);
        }

        private readonly List<string> _head = [];

        private void Line(string line, TimeSpan at)
        {
            _line.Clear();
            switch (_state)
            {
                case State.Head when line.Length > 0:
                    _head.Add(line);
                    return;
                case State.Head:
                    if (_head.Count > 0) Head(at);
                    return;
                case State.ChunkSize:
                    var size = line.Split(';')[0].Trim();
                    if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _remaining) || _remaining < 0)
                    {
                        owner.Fail($"a bad chunk size '{size}'");
                        return;
                    }
                    _state = _remaining == 0 ? State.Trailer : State.ChunkData;
                    return;
                case State.ChunkEnd:
                    _state = State.ChunkSize;
                    return;
                case State.Trailer:
                    if (line.Length == 0) Done(at);
                    return;
            }
        }

        private void Head(TimeSpan at)
        {
            var start = _head[0].Split(' ', 3);
            var headers = _head.Skip(1).Select(h => h.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            _head.Clear();
            var chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            long? length = headers.TryGetValue("Content-Length", out var cl) && long.TryParse(cl, CultureInfo.InvariantCulture, out var l) ? l : null;
            if (!isResponse)
            {
                if (start.Length < 3)
                {
                    owner.Fail($"a bad request line '{string.Join(' ', start)}'");
                    return;
                }
                owner.RequestHead(start[0], start[1], headers.GetValueOrDefault("Range"), at);
                Frame(chunked, length ?? 0, noBody: false, untilClose: false, at);
                return;
            }
            if (start.Length < 2 || !int.TryParse(start[1], CultureInfo.InvariantCulture, out _status))
            {
                owner.Fail($"a bad status line '{string.Join(' ', start)}'");
                return;
            }
            if (_status is >= 100 and < 200)
            {
                _wire = 0;
                return; // informational: the final response follows
            }
            var noBody = owner.PendingMethod == "HEAD" || _status is 204 or 304;
            Frame(chunked, length ?? 0, noBody, untilClose: !chunked && length is null, at);
        }

        private void Frame(bool chunked, long length, bool noBody, bool untilClose, TimeSpan at)
        {
            if (noBody || (!chunked && !untilClose && length == 0)) Done(at);
            else if (chunked) _state = State.ChunkSize;
            else if (untilClose) _state = State.UntilClose;
            else (_state, _remaining) = (State.Fixed, length);
        }

        private void Done(TimeSpan at)
        {
            if (isResponse) owner.ResponseDone(_status, _body, _wire, at);
            _state = State.Head;
            _body = 0;
            _wire = 0;
            _remaining = 0;
        }
    }
}
