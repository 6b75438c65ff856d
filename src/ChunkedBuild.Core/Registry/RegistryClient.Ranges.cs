using System.Globalization;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry;

/// <summary>What a registry answered to a <c>Range</c> GET of a blob, as received (nothing is judged here).</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The <c>Content-Type</c> header, or null.</param>
/// <param name="ContentRange">The <c>Content-Range</c> header, or null.</param>
/// <param name="Body">The body, at most the limit asked for.</param>
/// <param name="Truncated">Whether the body went on past the limit.</param>
public sealed record RangeAnswer(int Status, string? ContentType, string? ContentRange, byte[] Body, bool Truncated);

public sealed partial class RegistryClient
{
    /// <summary>
    /// Sends one <c>GET /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> with <c>Range: bytes=a-b[,c-d…]</c> and returns the answer as it came,
    /// reading at most <paramref name="limit"/> bytes of its body (a registry that ignores the range sends the whole blob). Transient
    /// failures (5xx but 501, 429, lost connections) are retried like any request; every other status is returned, not thrown.
    /// </summary>
    /// <param name="image">The repository.</param>
    /// <param name="digest">The blob.</param>
    /// <param name="ranges">Inclusive byte ranges, ascending and disjoint.</param>
    /// <param name="limit">The most body bytes to read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<RangeAnswer> GetBlobRangesAsync(ImageReference image, Digest digest, IReadOnlyList<(long First, long Last)> ranges, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ranges.Count);
        var url = await UrlAsync(image, $"blobs/{digest}").ConfigureAwait(false);
        var operation = RegistryErrors.Describe(HttpMethod.Get, url);
        var header = "bytes=" + string.Join(",", ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));
        return await _http.Retry.RunAsync(operation, async (_, ct) =>
        {
            using var response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.TryAddWithoutValidation("Range", header);
                return request;
            }, ct, RegistryExchange.BlobDownload).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var bytes = await IdleReads.ReadUpToAsync(body, limit, Options.IdleTimeout, operation, ct).ConfigureAwait(false);
            var truncated = bytes.Length == limit && await IdleReads.ReadAsync(body, new byte[1], Options.IdleTimeout, operation, ct).ConfigureAwait(false) > 0;
            return new RangeAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(),
                response.Content.Headers.ContentRange?.ToString() ?? (response.Content.Headers.TryGetValues("Content-Range", out var values) ? values.FirstOrDefault() : null),
                bytes, truncated);
        }, cancellationToken).ConfigureAwait(false);
    }
}
