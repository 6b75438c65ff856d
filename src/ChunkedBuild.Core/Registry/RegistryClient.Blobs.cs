using System.Net;
using System.Net.Http.Headers;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The size of the blob when the repository has it (<c>HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>), else null.</summary>
    public async Task<long?> HeadBlobAsync(ImageReference image, Digest digest, CancellationToken cancellationToken = default)
    {
        var url = await UrlAsync(image, $"blobs/{digest}").ConfigureAwait(false);
        using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, url), cancellationToken).ConfigureAwait(false);
        return await HeadResultAsync(response, RegistryErrors.Describe(HttpMethod.Head, url), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long?> HeadResultAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>
    /// Opens a blob for streaming. The stream hashes what it reads and throws CHB2004 at its end when the bytes do not match
    /// <paramref name="descriptor"/> (digest and size); a connection lost mid-body is resumed with a <c>Range</c> request.
    /// Redirects (to storage) are followed without the registry's credentials.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB2003 when the repository has no such blob.</exception>
    public async Task<Stream> OpenBlobAsync(ImageReference image, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        var url = await UrlAsync(image, $"blobs/{descriptor.Digest}").ConfigureAwait(false);
        var stream = new VerifyingBlobStream(descriptor, RegistryErrors.Describe(HttpMethod.Get, url), (offset, ct) => OpenBodyAtAsync(url, descriptor, offset, ct),
            _http.Retry, Options.Progress, Options.IdleTimeout);
        await stream.OpenAsync(cancellationToken).ConfigureAwait(false);
        return stream;
    }

    /// <summary>Reads <paramref name="length"/> bytes of a blob from <paramref name="offset"/> with a <c>Range</c> request (unverified: a part).</summary>
    public async Task<byte[]> ReadBlobRangeAsync(ImageReference image, Descriptor descriptor, long offset, int length, CancellationToken cancellationToken = default)
    {
        if (length == 0) return [];
        var url = await UrlAsync(image, $"blobs/{descriptor.Digest}").ConfigureAwait(false);
        var operation = RegistryErrors.Describe(HttpMethod.Get, url);
        return await _http.Retry.RunAsync(operation, async (_, ct) =>
        {
            using var response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Range = new RangeHeaderValue(offset, offset + length - 1);
                return request;
            }, ct, RegistryExchange.BlobDownload).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"blob {descriptor.Digest} is missing ({operation})", layer: descriptor.Digest.ToString());
            await EnsureAsync(response, operation, ct, [HttpStatusCode.PartialContent, HttpStatusCode.OK]).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            // A registry that ignores the range answers 200 with the whole blob: skip to the range.
            if (response.StatusCode == HttpStatusCode.OK) await IdleReads.SkipAsync(body, offset, Options.IdleTimeout, operation, ct).ConfigureAwait(false);
            return await IdleReads.ReadUpToAsync(body, length, Options.IdleTimeout, operation, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a whole blob, verified against <paramref name="descriptor"/>.</summary>
    public async Task<byte[]> ReadBlobAsync(ImageReference image, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenBlobAsync(image, descriptor, cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream(descriptor.Size is > 0 and < int.MaxValue ? (int)descriptor.Size : 0);
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The blob's body from <paramref name="offset"/> on (a 200 answer to a range request is skipped forward).</summary>
    private async Task<Stream> OpenBodyAtAsync(Uri url, Descriptor descriptor, long offset, CancellationToken cancellationToken)
    {
        var operation = RegistryErrors.Describe(HttpMethod.Get, url);
        var response = await _http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            return request;
        }, cancellationToken, RegistryExchange.BlobDownload).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var error = await RegistryErrors.FromResponseAsync(response, operation, ErrorCodes.BlobMissing, cancellationToken: cancellationToken).ConfigureAwait(false);
            throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"blob {descriptor.Digest} is missing: {error.Message}", layer: descriptor.Digest.ToString());
        }
        try
        {
            await EnsureAsync(response, operation, cancellationToken, offset > 0 ? [HttpStatusCode.PartialContent, HttpStatusCode.OK] : [HttpStatusCode.OK]).ConfigureAwait(false);
        }
        catch (RetryableStatusException e)
        {
            // SendAsync already retried; a retryable status here is the last one.
            throw e.ToFinal(1);
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // The registry ignored the range: read past what was already consumed.
        if (offset > 0 && response.StatusCode == HttpStatusCode.OK) await IdleReads.SkipAsync(body, offset, Options.IdleTimeout, operation, cancellationToken).ConfigureAwait(false);
        return new ResponseOwningStream(body, response);
    }
}
