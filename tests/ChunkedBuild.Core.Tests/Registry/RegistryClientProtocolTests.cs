using System.Net;
using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>Protocol details checked against a scripted transport: retries and their delays, error messages, redirects.</summary>
public sealed class RegistryClientProtocolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ImageReference App = ImageReference.Parse("reg.test/app:v1");

    private sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpMethod Method, Uri Uri, string? Authorization, string? UserAgent)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Headers.UserAgent.ToString()));
                return Task.FromResult(answer(request, Seen.Count));
            }
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return response;
    }

    private static (RegistryClientOptions Options, List<TimeSpan> Delays) Options(HttpMessageHandler transport, int attempts = 5)
    {
        var delays = new List<TimeSpan>();
        var options = new RegistryClientOptions
        {
            Transport = transport,
            Retry = new RegistryRetryOptions
            {
                MaxAttempts = attempts,
                BaseDelay = TimeSpan.FromMilliseconds(100),
                JitterSeed = 1,
                DelayAsync = (d, _) => { lock (delays) delays.Add(d); return Task.CompletedTask; },
            },
        };
        return (options, delays);
    }

    [Fact]
    public async Task Retries_429_after_its_Retry_After_and_5xx_with_backoff()
    {
        const string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a","digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":1},"layers":[]}""";
        var handler = new ScriptedHandler((_, n) => n switch
        {
            1 => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)) } },
            2 => new HttpResponseMessage(HttpStatusCode.BadGateway),
            _ => Json(HttpStatusCode.OK, manifest, MediaTypes.OciManifest),
        });
        var (options, delays) = Options(handler);
        using var client = new RegistryClient(options);
        var got = await client.GetManifestAsync(App, cancellationToken: Ct);
        Assert.Equal(Digest.Sha256Of(Encoding.UTF8.GetBytes(manifest)), got.Digest);
        Assert.Equal(MediaTypes.OciManifest, got.MediaType);
        Assert.Equal(3, handler.Seen.Count);
        Assert.Equal(TimeSpan.FromSeconds(7), delays[0]);
        // Second retry: BaseDelay·2 with jitter in [0.5, 1).
        Assert.InRange(delays[1].TotalMilliseconds, 100, 200);
        Assert.StartsWith("ChunkedBuild/", handler.Seen[0].UserAgent);
    }

    /// <summary>A body that sends some bytes and then nothing, until the reader gives up.</summary>
    private sealed class StallingStream(byte[] head) : Stream
    {
        private int _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent < head.Length)
            {
                var n = Math.Min(buffer.Length, head.Length - _sent);
                head.AsMemory(_sent, n).CopyTo(buffer);
                _sent += n;
                return n;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_stalled_blob_body_is_dropped_after_the_idle_timeout_and_resumed_with_a_range_request()
    {
        var blob = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256Of(blob), Size = blob.Length };
        var handler = new ScriptedHandler((request, n) =>
        {
            var from = request.Headers.Range?.Ranges.First().From ?? 0;
            if (n == 1) return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(blob[..20_000])) };
            return new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent(blob[(int)from..]) };
        });
        var (options, _) = Options(handler);
        using var client = new RegistryClient(options with { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        await using var stream = await client.OpenBlobAsync(App, descriptor, Ct);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(blob, copy.ToArray());
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task Retries_stop_when_the_time_budget_is_spent_even_with_attempts_left()
    {
        // Every wait moves a manual clock: 5 s waits against a 12 s budget allow three attempts of the ten.
        var clock = new Auth.ManualTimeProvider();
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.ServiceUnavailable, """{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}"""));
        var options = new RegistryClientOptions
        {
            Transport = handler,
            Retry = new RegistryRetryOptions
            {
                MaxAttempts = 10,
                BaseDelay = TimeSpan.FromSeconds(10),
                MaxDelay = TimeSpan.FromSeconds(10),
                MaxElapsed = TimeSpan.FromSeconds(12),
                JitterSeed = 1,
                TimeProvider = clock,
                DelayAsync = (_, _) => { clock.Advance(TimeSpan.FromSeconds(5)); return Task.CompletedTask; },
            },
        };
        using var client = new RegistryClient(options);

        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetManifestAsync(App, cancellationToken: Ct));

        Assert.Equal(ErrorCodes.RegistryRequestFailed, error.Code);
        Assert.True(error.Message.Contains("the retry budget of 12 s is spent", StringComparison.Ordinal), error.Message);
        Assert.InRange(handler.Seen.Count, 2, 3);
    }

    [Fact]
    public async Task Final_error_names_method_url_and_registry_errors_and_is_coded()
    {
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.ServiceUnavailable, """{"errors":[{"code":"UNAVAILABLE","message":"down for maintenance"}]}"""));
        var (options, delays) = Options(handler, attempts: 3);
        using var client = new RegistryClient(options);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetManifestAsync(App, cancellationToken: Ct));
        Assert.Equal(ErrorCodes.RegistryRequestFailed, error.Code);
        Assert.Contains("GET https://reg.test/v2/app/manifests/v1", error.Message);
        Assert.Contains("UNAVAILABLE: down for maintenance", error.Message);
        Assert.Contains("3 attempts", error.Message);
        Assert.Equal(3, handler.Seen.Count);
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task Access_denied_is_not_retried_and_upload_state_tokens_stay_out_of_messages()
    {
        var handler = new ScriptedHandler((request, _) => request.Method == HttpMethod.Post
            ? new HttpResponseMessage(HttpStatusCode.Accepted) { Headers = { Location = new Uri("/v2/app/blobs/uploads/u1?_state=SECRETSTATE", UriKind.Relative) } }
            : Json(HttpStatusCode.Forbidden, """{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"""));
        var (options, delays) = Options(handler);
        using var client = new RegistryClient(options);
        var blob = "hello"u8.ToArray();
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = Digest.Sha256Of(blob), Size = blob.Length };
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.UploadBlobAsync(App, descriptor, BlobContent.FromBytes(blob), cancellationToken: Ct));
        Assert.Equal(ErrorCodes.RegistryAccessDenied, error.Code);
        Assert.Contains("PUT https://reg.test/v2/app/blobs/uploads/u1", error.Message);
        Assert.Contains("DENIED", error.Message);
        Assert.DoesNotContain("SECRETSTATE", error.Message);
        Assert.Empty(delays);
        Assert.Equal(new Uri("https://reg.test/v2/app/blobs/uploads/u1?_state=SECRETSTATE&digest=" + Uri.EscapeDataString(descriptor.Digest.ToString())), handler.Seen[1].Uri);
    }

    [Fact]
    public async Task A_chunked_upload_whose_session_the_registry_no_longer_trusts_starts_a_new_session()
    {
        // 10 bytes in 4-byte chunks; session u1's second PATCH answers 404 BLOB_UPLOAD_INVALID (distribution: the stored size does not
        // match the session state), so the retry checks the blob (HEAD 404), opens session u2 and sends every chunk again from 0.
        var blob = "0123456789"u8.ToArray();
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = Digest.Sha256Of(blob), Size = blob.Length };
        var sessions = 0;
        var patchesOnU1 = 0;
        var handler = new ScriptedHandler((request, _) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Head) return new HttpResponseMessage(HttpStatusCode.NotFound);
            if (request.Method == HttpMethod.Post)
                return new HttpResponseMessage(HttpStatusCode.Accepted) { Headers = { Location = new Uri($"/v2/app/blobs/uploads/u{++sessions}", UriKind.Relative) } };
            if (request.Method == HttpMethod.Patch && path.EndsWith("/u1", StringComparison.Ordinal) && ++patchesOnU1 == 2)
                return Json(HttpStatusCode.NotFound, """{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"blob upload invalid"}]}""");
            if (request.Method == HttpMethod.Patch)
                return new HttpResponseMessage(HttpStatusCode.Accepted) { Headers = { Location = request.RequestUri } };
            return new HttpResponseMessage(HttpStatusCode.Created);
        });
        var (options, delays) = Options(handler);
        using var client = new RegistryClient(options with { ChunkSize = 4 });

        var result = await client.UploadBlobAsync(App, descriptor, BlobContent.FromBytes(blob), cancellationToken: Ct);

        Assert.False(result.Mounted);
        Assert.Equal(2, sessions);
        Assert.Single(delays);
        var u2 = handler.Seen.Where(r => r.Uri.AbsolutePath.EndsWith("/u2", StringComparison.Ordinal)).Select(r => r.Method.Method).ToList();
        Assert.Equal(["PATCH", "PATCH", "PATCH", "PUT"], u2);
    }

    [Fact]
    public async Task Blob_redirects_to_another_host_are_followed_and_verified()
    {
        var blob = "layer bytes"u8.ToArray();
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = Digest.Sha256Of(blob), Size = blob.Length };
        var handler = new ScriptedHandler((request, _) => request.RequestUri!.Host == "reg.test"
            ? new HttpResponseMessage(HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri("https://storage.test/b?sig=1") } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) });
        var (options, _) = Options(handler);
        using var client = new RegistryClient(options);
        Assert.Equal(blob, await client.ReadBlobAsync(App, descriptor, Ct));
        Assert.Equal(["reg.test", "storage.test"], handler.Seen.Select(s => s.Uri.Host));
        Assert.Null(handler.Seen[1].Authorization);
    }

    [Fact]
    public async Task Manifest_bytes_that_do_not_match_the_digest_asked_for_are_refused()
    {
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.OK, """{"schemaVersion":2}""", MediaTypes.OciManifest));
        var (options, _) = Options(handler);
        using var client = new RegistryClient(options);
        var wanted = Digest.Sha256Of("other"u8);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetManifestAsync(App, wanted.ToString(), Ct));
        Assert.Equal(ErrorCodes.DigestMismatch, error.Code);
    }
}
