namespace ChunkedBuild.Testing.LazyPull;

/// <summary>One HTTP/1.1 request and its response as they crossed a <see cref="ShapedLink"/>.</summary>
/// <param name="Method">GET, HEAD, …</param>
/// <param name="Target">The request target (path and query), e.g. <c>/v2/app/blobs/sha256:…</c>.</param>
/// <param name="Range">The request's <c>Range</c> header, or null.</param>
/// <param name="Status">The final response status (informational 1xx responses are skipped).</param>
/// <param name="BodyBytes">Response body bytes (chunked framing excluded).</param>
/// <param name="WireBytes">Response bytes on the wire: head, framing and body.</param>
/// <param name="RequestedAt">When the request head reached the server (the link's clock).</param>
/// <param name="CompletedAt">When the last response byte reached the client (the link's clock).</param>
public sealed record HttpExchange(string Method, string Target, string? Range, int Status, long BodyBytes, long WireBytes, TimeSpan RequestedAt, TimeSpan CompletedAt)
{
    private const string BlobsSegment = "/blobs/";

    /// <summary>The digest of a <c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> request, else null.</summary>
    public string? BlobDigest
    {
        get
        {
            var path = Target.Split('?')[0];
            var at = path.LastIndexOf(BlobsSegment, StringComparison.Ordinal);
            return at < 0 || !path.StartsWith("/v2/", StringComparison.Ordinal) ? null : path[(at + BlobsSegment.Length)..];
        }
    }

    /// <summary>True for a GET that asked for a byte range.</summary>
    public bool IsRangeGet => Method == "GET" && Range is not null;
}
