namespace ChunkedBuild.Core.Registry;

/// <summary>The verdict on one kind of <c>Range</c> GET.</summary>
/// <param name="Works">Whether the registry answered 206 with exactly the bytes asked for (for several ranges: as <c>multipart/byteranges</c>).</param>
/// <param name="Status">The HTTP status it answered with (0 when the request failed without one).</param>
/// <param name="Detail">What it did, in words, naming the status: "206 with the right bytes", "501 Not Implemented", "200 with the whole blob"…</param>
public sealed record RangeCheck(bool Works, int Status, string Detail);

/// <summary>
/// What a registry repository does with the <c>Range</c> GETs lazy and partial pullers send (<see cref="RangeProbe"/>): one range (the
/// footer read every lazy puller starts with) and several ranges in one request (how containers/storage fetches the chunks of a
/// zstd:chunked partial pull).
/// </summary>
/// <param name="Repository"><c>registry/repository</c>.</param>
/// <param name="Blob">The layer blob probed.</param>
/// <param name="Single">One range.</param>
/// <param name="Multi">Two ranges in one request.</param>
public sealed record RangeSupport(string Repository, Oci.Digest Blob, RangeCheck Single, RangeCheck Multi);
