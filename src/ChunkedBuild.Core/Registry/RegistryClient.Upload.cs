using System.Net;
using System.Net.Http.Headers;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>
    /// Uploads a blob: <c>POST …/blobs/uploads/</c> (with <c>?mount=&lt;digest&gt;&amp;from=&lt;repo&gt;</c> when
    /// <paramref name="mountFrom"/> is given: 201 means mounted, 202 continues as an upload), then one <c>PUT ?digest=</c> with
    /// the whole blob when it fits in <see cref="RegistryClientOptions.ChunkSize"/>, else <c>PATCH</c> chunks and a closing
    /// <c>PUT</c>. Failures are retried: a broken chunk resumes from the offset the registry reports (<c>GET</c> on the upload
    /// URL), a broken monolithic upload restarts with a fresh stream from <paramref name="content"/>; a retry first checks
    /// whether the blob landed after all.
    /// </summary>
    public async Task<BlobUploadResult> UploadBlobAsync(ImageReference image, Descriptor descriptor, BlobContent content, string? mountFrom = null,
        CancellationToken cancellationToken = default)
    {
        var session = new UploadSession(descriptor);
        var blobUrl = await UrlAsync(image, $"blobs/{descriptor.Digest}").ConfigureAwait(false);
        var uploadsUrl = await UrlAsync(image, "blobs/uploads/").ConfigureAwait(false);
        var operation = $"upload of blob {descriptor.Digest} ({descriptor.Size} bytes) to {image.Registry}/{image.Repository}";
        return await _http.Retry.RunAsync(operation, async (budget, ct) =>
        {
            if (budget.IsRetry)
            {
                using var head = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Head, blobUrl), ct).ConfigureAwait(false);
                if (await HeadResultAsync(head, RegistryErrors.Describe(HttpMethod.Head, blobUrl), ct).ConfigureAwait(false) is not null)
                    return new BlobUploadResult(false, true, session.BytesSent);
                if (session.Location is not null && !await TryResumeAsync(session, ct).ConfigureAwait(false)) session.Location = null;
            }
            if (session.Location is null)
            {
                var mount = session.MountTried ? null : mountFrom;
                session.MountTried = true;
                if (await StartAsync(uploadsUrl, session, mount, ct).ConfigureAwait(false))
                {
                    Report(descriptor, descriptor.Size, BlobTransferKind.Mounted);
                    return new BlobUploadResult(true, false, 0);
                }
            }
            var sentBefore = session.BytesSent;
            try
            {
                if (session.Offset == 0 && descriptor.Size <= Options.ChunkSize) await PutWholeAsync(session, content, ct).ConfigureAwait(false);
                else await PatchChunksAsync(session, content, budget, ct).ConfigureAwait(false);
            }
            catch (Exception) when (session.BytesSent > sentBefore)
            {
                // Bytes moved before the failure: a slow upload is not a dead registry, so its retry gets a fresh time budget.
                budget.RestartClock();
                throw;
            }
            return new BlobUploadResult(false, false, session.BytesSent);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an upload session (or mounts the blob: returns true).</summary>
    private async Task<bool> StartAsync(Uri uploadsUrl, UploadSession session, string? mountFrom, CancellationToken cancellationToken)
    {
        var url = mountFrom is null ? uploadsUrl
            : new Uri(uploadsUrl, $"?mount={Uri.EscapeDataString(session.Descriptor.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}");
        var operation = RegistryErrors.Describe(HttpMethod.Post, url);
        using var response = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent([]) }, cancellationToken).ConfigureAwait(false);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created) return true;
        await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.Accepted).ConfigureAwait(false);
        session.Location = LocationOf(response, url, operation);
        session.Offset = 0;
        return false;
    }

    /// <summary>Asks the registry how much of the session it has (<c>GET</c> → 204 + <c>Range</c>); false when the session is gone or the answer is ambiguous.</summary>
    private async Task<bool> TryResumeAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var url = session.Location!;
        using var response = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        if (RetryPolicy.IsRetryable(response.StatusCode))
            throw await RetryableStatusException.FromAsync(response, RegistryErrors.Describe(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NoContent) return false;
        var range = response.Headers.TryGetValues("Range", out var values) ? values.FirstOrDefault() : null;
        if (RegistryQuirks.ResumeOffset(range) is not { } offset || offset > session.Descriptor.Size) return false;
        session.Location = response.Headers.Location is null ? url : LocationOf(response, url, RegistryErrors.Describe(HttpMethod.Get, url));
        session.Offset = offset;
        return true;
    }

    /// <summary>The whole blob in one <c>PUT &lt;location&gt;?digest=</c>; the session is spent whatever happens.</summary>
    private async Task PutWholeAsync(UploadSession session, BlobContent content, CancellationToken cancellationToken)
    {
        var url = WithDigest(session.Location!, session.Descriptor.Digest);
        session.Location = null;
        var descriptor = session.Descriptor;
        var stream = await content.Open(cancellationToken).ConfigureAwait(false);
        long sent = 0;
        var body = new StreamContent(new ProgressReadStream(stream, n =>
        {
            sent += n;
            session.BytesSent += n;
            Report(descriptor, sent, BlobTransferKind.Upload);
        }), 1 << 16);
        body.Headers.ContentLength = descriptor.Size;
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = body }, cancellationToken, RegistryExchange.BlobUpload).ConfigureAwait(false);
        await EnsureAsync(response, RegistryErrors.Describe(HttpMethod.Put, url), cancellationToken, HttpStatusCode.Created).ConfigureAwait(false);
    }

    /// <summary><c>PATCH</c> chunks from the session's offset, then the closing <c>PUT ?digest=</c> with no body.</summary>
    private async Task PatchChunksAsync(UploadSession session, BlobContent content, RetryBudget budget, CancellationToken cancellationToken)
    {
        var descriptor = session.Descriptor;
        await using (var stream = await content.Open(cancellationToken).ConfigureAwait(false))
        {
            await SkipAsync(stream, session.Offset, descriptor, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[(int)Math.Min(Options.ChunkSize, Math.Max(1, descriptor.Size))];
            while (session.Offset < descriptor.Size)
            {
                var length = (int)Math.Min(buffer.Length, descriptor.Size - session.Offset);
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < length)
                    throw new ChunkedBuildException(ErrorCodes.IoError, $"the content of blob {descriptor.Digest} ended at {session.Offset + read} of {descriptor.Size} bytes", layer: descriptor.Digest.ToString());
                var url = session.Location!;
                var chunk = new ByteArrayContent(buffer, 0, length);
                chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                // distribution's form: "<first>-<last>", no unit.
                chunk.Headers.TryAddWithoutValidation("Content-Range", $"{session.Offset}-{session.Offset + length - 1}");
                using var response = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = chunk }, cancellationToken, RegistryExchange.BlobUpload).ConfigureAwait(false);
                var operation = RegistryErrors.Describe(HttpMethod.Patch, url);
                await RestartWhenSessionLostAsync(response, session, operation, cancellationToken).ConfigureAwait(false);
                await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.Accepted, HttpStatusCode.NoContent).ConfigureAwait(false);
                session.Location = response.Headers.Location is null ? url : LocationOf(response, url, operation);
                session.Offset += length;
                session.BytesSent += length;
                Report(descriptor, session.Offset, BlobTransferKind.Upload);
                budget.Reset();
            }
        }
        var close = WithDigest(session.Location!, descriptor.Digest);
        // The closing PUT makes the registry verify and commit the whole blob, which takes long for a large one: the upload's deadline.
        using var closed = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Put, close) { Content = new ByteArrayContent([]) }, cancellationToken, RegistryExchange.BlobUpload).ConfigureAwait(false);
        await RestartWhenSessionLostAsync(closed, session, RegistryErrors.Describe(HttpMethod.Put, close), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(closed, RegistryErrors.Describe(HttpMethod.Put, close), cancellationToken, HttpStatusCode.Created).ConfigureAwait(false);
        session.Location = null;
    }

    /// <summary>
    /// A 404 on the session URL means the registry lost or no longer trusts the session (distribution: <c>BLOB_UPLOAD_UNKNOWN</c>, or
    /// <c>BLOB_UPLOAD_INVALID</c> when the stored size no longer matches the session state, e.g. the remains of a chunk whose request
    /// was cut landed after the status check): the session is dropped and the failure is retryable, so the retry starts a new one.
    /// </summary>
    private static async Task RestartWhenSessionLostAsync(HttpResponseMessage response, UploadSession session, string operation, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.NotFound) return;
        session.Location = null;
        session.Offset = 0;
        throw await RetryableStatusException.FromAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SkipAsync(Stream stream, long offset, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (offset == 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(offset, SeekOrigin.Begin);
            return;
        }
        if (await stream.SkipAsync(offset, cancellationToken).ConfigureAwait(false) < offset)
            throw new ChunkedBuildException(ErrorCodes.IoError, $"the content of blob {descriptor.Digest} ended before the resume offset {offset}", layer: descriptor.Digest.ToString());
    }

    /// <summary>Sends <paramref name="request"/> once and disposes it.</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        RegistryExchange exchange = RegistryExchange.Document)
    {
        using (request) return await _http.SendOnceAsync(request, cancellationToken, exchange).ConfigureAwait(false);
    }

    private void Report(Descriptor descriptor, long transferred, BlobTransferKind kind) =>
        Options.Progress?.Report(new BlobTransferProgress(descriptor.Digest, transferred, descriptor.Size, kind));

    private static Uri LocationOf(HttpResponseMessage response, Uri requestUrl, string operation)
    {
        var location = response.Headers.Location
            ?? throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError, $"{operation} answered {(int)response.StatusCode} without a Location header");
        return location.IsAbsoluteUri ? location : new Uri(requestUrl, location);
    }

    private static Uri WithDigest(Uri location, Digest digest) =>
        new($"{location.AbsoluteUri}{(string.IsNullOrEmpty(location.Query) ? "?" : "&")}digest={Uri.EscapeDataString(digest.ToString())}");

    /// <summary>The state of one blob upload across retries.</summary>
    private sealed class UploadSession(Descriptor descriptor)
    {
        public Descriptor Descriptor { get; } = descriptor;
        public Uri? Location { get; set; }
        public long Offset { get; set; }
        public long BytesSent { get; set; }
        public bool MountTried { get; set; }
    }
}
