using System.Net;
using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// A client of the OCI distribution API (and Docker's registry v2): manifests, blobs (streamed and verified; uploads monolithic
/// or chunked and resumable; cross-repository mounts), tags and referrers. Every request is retried per
/// <see cref="RegistryClientOptions.Retry"/>; failures are <see cref="ChunkedBuildException"/>s with CHB40xx codes naming the
/// method, the URL (without its query) and the registry's <c>errors[]</c>. Thread-safe; dispose it once done.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    /// <summary>What manifest GETs accept: OCI index and manifest, Docker manifest list and v2 manifest.</summary>
    public static IReadOnlyList<string> ManifestMediaTypes { get; } =
        [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    private const int MaxManifestBytes = RegistryHttp.MaxDocumentBytes;

    private readonly RegistryHttp _http;

    /// <summary>Creates a client; no connection is made until the first operation.</summary>
    public RegistryClient(RegistryClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize <= 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the upload chunk size must be positive, not {options.ChunkSize}");
        if (options.MaxParallelUploads <= 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the number of parallel uploads must be positive, not {options.MaxParallelUploads}");
        Options = options;
        _http = new RegistryHttp(options);
    }

    /// <summary>The options the client was made with.</summary>
    public RegistryClientOptions Options { get; }

    /// <summary>Fetches the manifest or index <paramref name="reference"/> (a tag or digest; by default the image's own), verifying its digest over the raw bytes.</summary>
    /// <exception cref="ChunkedBuildException">CHB4006 when it does not exist, CHB2004 when the bytes do not match the digest asked for or announced.</exception>
    public async Task<RegistryManifest> GetManifestAsync(ImageReference image, string? reference = null, CancellationToken cancellationToken = default) =>
        await TryGetManifestAsync(image, reference, cancellationToken).ConfigureAwait(false)
        ?? throw new ChunkedBuildException(ErrorCodes.RegistryManifestNotFound, $"{image.Registry}/{image.Repository} has no manifest '{reference ?? image.ManifestReference}'");

    /// <summary>Like <see cref="GetManifestAsync"/>, but null when the registry answers 404.</summary>
    public async Task<RegistryManifest?> TryGetManifestAsync(ImageReference image, string? reference = null, CancellationToken cancellationToken = default)
    {
        reference ??= image.ManifestReference;
        var url = await UrlAsync(image, $"manifests/{reference}").ConfigureAwait(false);
        var operation = RegistryErrors.Describe(HttpMethod.Get, url);
        return await _http.Retry.RunAsync(operation, async (_, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var type in ManifestMediaTypes) request.Headers.Accept.ParseAdd(type);
            var response = await _http.SendOnceAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }
            using (response)
            {
                await EnsureAsync(response, operation, ct, HttpStatusCode.OK).ConfigureAwait(false);
                var raw = await ReadLimitedAsync(response.Content, MaxManifestBytes, operation, ct).ConfigureAwait(false);
                var digest = Digest.Sha256Of(raw);
                if (Digest.TryParse(reference, out var asked) && asked != digest)
                    throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{operation}: the manifest hashes to {digest}, not the {asked} asked for");
                if (DigestHeader(response) is { } announced && announced != digest)
                    throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{operation}: the manifest hashes to {digest}, not the {announced} the registry announced");
                return new RegistryManifest(MediaTypeOf(response, raw, operation), digest, raw);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads a manifest or index under <paramref name="reference"/> (a tag, or its own digest) with <c>Content-Type</c>
    /// <paramref name="mediaType"/>. A document with a <c>subject</c> that the registry does not index itself (no
    /// <c>OCI-Subject</c> answer header) is also added to the subject's referrers tag (<c>sha256-&lt;hex&gt;</c>).
    /// </summary>
    /// <returns>The digest of <paramref name="raw"/>.</returns>
    public async Task<Digest> PutManifestAsync(ImageReference image, string reference, string mediaType, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
    {
        var digest = Digest.Sha256Of(raw.Span);
        var url = await UrlAsync(image, $"manifests/{reference}").ConfigureAwait(false);
        var operation = RegistryErrors.Describe(HttpMethod.Put, url);
        bool registryIndexedSubject;
        using (var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, url) { Content = BytesContent(raw, mediaType) }, cancellationToken).ConfigureAwait(false))
        {
            await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted).ConfigureAwait(false);
            if (DigestHeader(response) is { } announced && announced != digest)
                throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError, $"{operation}: the registry stored the manifest as {announced}, but its bytes hash to {digest}");
            registryIndexedSubject = response.Headers.Contains("OCI-Subject");
        }
        if (!registryIndexedSubject && ReferrerEntry(raw, mediaType, digest) is { } entry)
            await AddToReferrersTagAsync(image, entry.Subject, entry.Descriptor, cancellationToken).ConfigureAwait(false);
        return digest;
    }

    /// <summary>The repository's tags, every page of them (following <c>Link: &lt;…&gt;; rel="next"</c>).</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference image, CancellationToken cancellationToken = default)
    {
        var tags = new List<string>();
        Uri? url = await UrlAsync(image, "tags/list").ConfigureAwait(false);
        while (url is not null)
        {
            var page = url;
            using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, page), cancellationToken).ConfigureAwait(false);
            var operation = RegistryErrors.Describe(HttpMethod.Get, page);
            if (response.StatusCode == HttpStatusCode.NotFound) return tags;
            await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
            var body = await ReadLimitedAsync(response.Content, MaxManifestBytes, operation, cancellationToken).ConfigureAwait(false);
            using var json = ParseJson(body, operation);
            if (json.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
                tags.AddRange(list.EnumerateArray().Select(t => t.GetString()).OfType<string>());
            url = NextPage(response, page);
        }
        return tags;
    }

    /// <summary><c>&lt;base&gt;/v2/&lt;repository&gt;/&lt;path&gt;</c> for the image's registry (probing its scheme on first use).</summary>
    internal async Task<Uri> UrlAsync(ImageReference image, string path) =>
        new(await _http.BaseUriAsync(image.ApiHost).ConfigureAwait(false), $"v2/{image.Repository}/{path}");

    /// <summary>Throws unless the status is one of <paramref name="expected"/> (a retryable status as <see cref="RetryableStatusException"/>).</summary>
    internal static async Task EnsureAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken, params HttpStatusCode[] expected)
    {
        if (expected.Contains(response.StatusCode)) return;
        if (RetryPolicy.IsRetryable(response.StatusCode)) throw await RetryableStatusException.FromAsync(response, operation, cancellationToken).ConfigureAwait(false);
        throw await RegistryErrors.FromResponseAsync(response, operation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static Digest? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var d) ? d : null;

    /// <summary>The response's <c>Content-Type</c>, or the document's own <c>mediaType</c> when the registry sent a generic one.</summary>
    private static string MediaTypeOf(HttpResponseMessage response, byte[] raw, string operation)
    {
        var header = response.Content.Headers.ContentType?.MediaType;
        if (header is not null && (MediaTypes.IsIndex(header) || MediaTypes.IsManifest(header) || header.StartsWith("application/vnd.", StringComparison.Ordinal))) return header;
        using var json = ParseJson(raw, operation);
        return json.RootElement.TryGetProperty("mediaType", out var m) && m.GetString() is { Length: > 0 } own ? own
            : json.RootElement.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    internal static JsonDocument ParseJson(byte[] body, string operation)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{operation}: the answer is not valid JSON: {e.Message}", innerException: e);
        }
    }

    internal static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, string operation, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
            throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError, $"{operation}: the answer has {content.Headers.ContentLength} bytes, more than the {limit} accepted");
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new ChunkedBuildException(ErrorCodes.RegistryProtocolError, $"{operation}: the answer is longer than the {limit} bytes accepted");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    internal static HttpContent BytesContent(ReadOnlyMemory<byte> raw, string mediaType)
    {
        var content = new ReadOnlyMemoryContent(raw);
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        return content;
    }

    /// <summary>The <c>rel="next"</c> target of a <c>Link</c> header, resolved against the page, or null.</summary>
    internal static Uri? NextPage(HttpResponseMessage response, Uri page)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || !parts[0].StartsWith('<') || !parts[0].EndsWith('>')) continue;
            if (!parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next")) continue;
            return new Uri(page, parts[0][1..^1]);
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
