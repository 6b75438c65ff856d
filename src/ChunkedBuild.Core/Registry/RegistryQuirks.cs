using System.Net;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// Every registry-specific behaviour the client adapts to, in one place, each with its reason.
/// <list type="table">
/// <item><term>Docker Hub host</term><description><c>docker.io</c> references are served by <c>registry-1.docker.io</c>
/// (<see cref="ImageReference.ApiHost"/>); credentials stay keyed by <c>docker.io</c>.</description></item>
/// <item><term>Referrers API missing</term><description>distribution 2.8 (Debian's docker-registry) and older registries answer
/// 404 (some 400 or 405) to <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>; the client then reads and maintains the
/// <c>sha256-&lt;hex&gt;</c> tag (<see cref="ReferrersApiMissing"/>).</description></item>
/// <item><term>Upload status <c>Range: 0-0</c></term><description>distribution reports both an empty and a one-byte upload as
/// <c>0-0</c>, so a resume from that answer is ambiguous; the client restarts the upload instead
/// (<see cref="ResumeOffset"/>).</description></item>
/// <item><term>Broken PATCH</term><description>distribution keeps the bytes of a PATCH cut short but not the offset in the
/// session's state, and cancels the session on the next request; the client then restarts with a new session.</description></item>
/// <item><term>Mount across registries</term><description>a mount answered with 202 (blob not in the source repository) opens an
/// ordinary upload session; the client uses it rather than leaving it orphaned, as the .NET SDK does.</description></item>
/// <item><term>Generic manifest Content-Type</term><description>some registries serve manifests as <c>application/json</c>; the
/// document's own <c>mediaType</c> is used then.</description></item>
/// </list>
/// </summary>
public static class RegistryQuirks
{
    /// <summary>True when a referrers API answer means the registry lacks the API (rather than an error).</summary>
    public static bool ReferrersApiMissing(HttpStatusCode status) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented;

    /// <summary>
    /// The offset to resume an upload at from a status answer's <c>Range</c> header (<c>0-&lt;last byte&gt;</c>, with or without
    /// <c>bytes=</c>), or null when it is missing, malformed or ambiguous (<c>0-0</c>).
    /// </summary>
    public static long? ResumeOffset(string? range)
    {
        if (range is null) return null;
        var text = range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) ? range[6..] : range;
        var dash = text.IndexOf('-');
        if (dash <= 0 || !long.TryParse(text[..dash], out var start) || start != 0 || !long.TryParse(text[(dash + 1)..], out var end) || end <= 0) return null;
        return end + 1;
    }
}
