using System.Net;
using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>
    /// The manifests whose <c>subject</c> is <paramref name="subject"/>: from the referrers API
    /// (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>) when the registry has it, else from the referrers tag schema
    /// (the index tagged <c>sha256-&lt;hex&gt;</c>). Optionally only those of <paramref name="artifactType"/>.
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(ImageReference image, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        var found = new List<Descriptor>();
        var filter = artifactType is null ? "" : $"?artifactType={Uri.EscapeDataString(artifactType)}";
        Uri? url = await UrlAsync(image, $"referrers/{subject}{filter}").ConfigureAwait(false);
        while (url is not null)
        {
            var page = url;
            var operation = RegistryErrors.Describe(HttpMethod.Get, page);
            using var response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, page);
                request.Headers.Accept.ParseAdd(MediaTypes.OciIndex);
                return request;
            }, cancellationToken).ConfigureAwait(false);
            if (RegistryQuirks.ReferrersApiMissing(response.StatusCode))
            {
                // Only a first page can tell that the API is missing; later pages come from a registry that has it.
                return found.Count == 0 ? await ReferrersFromTagAsync(image, subject, artifactType, cancellationToken).ConfigureAwait(false) : found;
            }
            await EnsureAsync(response, operation, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
            var body = await ReadLimitedAsync(response.Content, MaxManifestBytes, operation, cancellationToken).ConfigureAwait(false);
            var index = ParseIndex(body, operation);
            var applied = response.Headers.TryGetValues("OCI-Filters-Applied", out var f) && f.Any(v => v.Contains("artifactType", StringComparison.Ordinal));
            found.AddRange(index.Manifests.Where(d => applied || artifactType is null || d.ArtifactType == artifactType));
            url = NextPage(response, page);
        }
        return found;
    }

    /// <summary>The referrers tag of a subject: <c>&lt;algorithm&gt;-&lt;hex&gt;</c> (OCI distribution spec, "referrers tag schema").</summary>
    public static string ReferrersTag(Digest subject) => $"{subject.Algorithm}-{subject.Hex}";

    private async Task<IReadOnlyList<Descriptor>> ReferrersFromTagAsync(ImageReference image, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        var tagged = await TryGetManifestAsync(image, ReferrersTag(subject), cancellationToken).ConfigureAwait(false);
        if (tagged is null || !tagged.IsIndex) return [];
        var index = ParseIndex(tagged.Raw, $"referrers tag {ReferrersTag(subject)}");
        return [.. index.Manifests.Where(d => artifactType is null || d.ArtifactType == artifactType)];
    }

    /// <summary>How many times the referrers tag is written for one entry before giving up (each write is checked by the next read).</summary>
    private const int ReferrersTagWrites = 5;

    /// <summary>
    /// Adds <paramref name="entry"/> to the index tagged with the subject's referrers tag (creating it); nothing when an entry of the
    /// same digest (the same document) is there already. The tag schema is read-modify-write and distribution has no conditional PUT:
    /// a writer that read the tag before our write and writes after it drops our entry. So every write is checked by reading the tag
    /// again, and a lost entry is merged into what is there now and written again (up to <see cref="ReferrersTagWrites"/> times, with a
    /// growing pause), which also keeps the rival's entry.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB4007 when the entry is still missing after the last write.</exception>
    private async Task AddToReferrersTagAsync(ImageReference image, Digest subject, Descriptor entry, CancellationToken cancellationToken)
    {
        var tag = ReferrersTag(subject);
        for (var writes = 0; ; writes++)
        {
            var existing = await TryGetManifestAsync(image, tag, cancellationToken).ConfigureAwait(false);
            var entries = existing is { IsIndex: true } ? ParseIndex(existing.Raw, $"referrers tag {tag}").Manifests.ToList() : [];
            if (entries.Any(d => d.Digest == entry.Digest)) return;
            if (writes == ReferrersTagWrites)
            {
                throw new ChunkedBuildException(ErrorCodes.RegistryReferrersTagContended,
                    $"{image.Registry}/{image.Repository}: the referrers tag {tag} lost the entry {entry.Digest} to concurrent writers after {writes} writes");
            }
            if (writes > 0) await Task.Delay(TimeSpan.FromMilliseconds(100 * writes), cancellationToken).ConfigureAwait(false);
            entries.Add(entry);
            var index = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = entries };
            await PutManifestAsync(image, tag, MediaTypes.OciIndex, OciJson.Serialize(index), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>For a document with a <c>subject</c>: the subject and the referrers-index entry describing the document; else null.</summary>
    private static (Digest Subject, Descriptor Descriptor)? ReferrerEntry(ReadOnlyMemory<byte> raw, string mediaType, Digest digest)
    {
        if (!MediaTypes.IsManifest(mediaType) && !MediaTypes.IsIndex(mediaType)) return null;
        try
        {
            using var json = JsonDocument.Parse(raw);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("subject", out var subjectElement)) return null;
            var subject = subjectElement.Deserialize(OciJson.TypeInfo<Descriptor>());
            if (subject is null) return null;
            var artifactType = root.TryGetProperty("artifactType", out var a) ? a.GetString()
                : root.TryGetProperty("config", out var c) && c.TryGetProperty("mediaType", out var cm) ? cm.GetString() : null;
            var annotations = root.TryGetProperty("annotations", out var an) ? an.Deserialize(OciJson.TypeInfo<Dictionary<string, string>>()) : null;
            return (subject.Digest, new Descriptor { MediaType = mediaType, Digest = digest, Size = raw.Length, ArtifactType = artifactType, Annotations = annotations });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ImageIndex ParseIndex(byte[] body, string operation)
    {
        try
        {
            return OciJson.Parse<ImageIndex>(body);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{operation}: not a valid image index: {e.Message}", innerException: e);
        }
    }
}
