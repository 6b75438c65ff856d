namespace ChunkedBuild.Core.Errors;

/// <summary>
/// Stable error codes. Codes never change meaning once released; new ones are appended.
/// 1xxx: layer input and layer formats. 2xxx: images, archives, layouts. 3xxx: registries. 9xxx: usage and I/O.
/// </summary>
public static class ErrorCodes
{
    // ---- tar input (10xx) ----
    /// <summary>The tar stream ended inside a header, a payload or an extension record.</summary>
    public const string TarTruncated = "CHB1001";
    /// <summary>A tar header failed its checksum or has an unparsable numeric field.</summary>
    public const string TarCorruptHeader = "CHB1002";
    /// <summary>A PAX extended header record is malformed.</summary>
    public const string TarBadPaxRecord = "CHB1003";
    /// <summary>A size or length field is negative or beyond what the reader accepts.</summary>
    public const string TarAbsurdSize = "CHB1004";
    /// <summary>A zero block is followed by a non-zero block (broken end-of-archive marker).</summary>
    public const string TarBadEndMarker = "CHB1005";
    /// <summary>
    /// A GNU sparse map is malformed: regions out of order, overlapping or beyond the real size, an unparsable number, or stored data
    /// that does not add up to the regions (Go's archive/tar rejects the same entries).
    /// </summary>
    public const string TarBadSparseMap = "CHB1006";

    // ---- entries a chunked format cannot round-trip (11xx) ----
    /// <summary>A typeflag other than the seven the readers support (reg, hardlink, symlink, char, block, dir, fifo).</summary>
    public const string UnsupportedTypeflag = "CHB1101";
    /// <summary>
    /// A sparse file (GNU 'S' or PAX GNU.sparse.*) that is not densified: with <c>--sparse refuse</c> (tar-split reassembly would write
    /// logical data), or in a GNU sparse version other than 0.0, 0.1 and 1.0.
    /// </summary>
    public const string SparseFile = "CHB1102";
    /// <summary>A PAX global header ('g').</summary>
    public const string GlobalPaxHeader = "CHB1103";
    /// <summary>A name or link name that is not valid UTF-8 (JSON cannot carry it; the TOC would not match the tar).</summary>
    public const string NonUtf8Name = "CHB1104";
    /// <summary>An xattr key that is not valid UTF-8.</summary>
    public const string NonUtf8XattrKey = "CHB1105";
    /// <summary>Two entries whose names are equal after path cleaning.</summary>
    public const string DuplicatePath = "CHB1106";
    /// <summary>A header-only entry (dir, link, device, fifo) whose size field is not zero.</summary>
    public const string HeaderOnlyEntryWithSize = "CHB1107";
    /// <summary>A hard link whose target is not an earlier entry of the same layer.</summary>
    public const string HardLinkTargetMissing = "CHB1108";
    /// <summary>A name that escapes the layer root ("..").</summary>
    public const string PathTraversal = "CHB1109";
    /// <summary>A timestamp outside the years 0001..9999, which RFC 3339 TOC times cannot express.</summary>
    public const string TimeOutOfRange = "CHB1110";
    /// <summary>Non-zero bytes after the end-of-archive marker: containers/storage would parse them as a header from the tar-split and fail.</summary>
    public const string DataAfterEndOfArchive = "CHB1111";
    /// <summary>A symbolic link with an empty target: no file system can create it, and stargz-snapshotter refuses the TOC entry.</summary>
    public const string EmptyLinkTarget = "CHB1112";

    // ---- compression / input detection (12xx) ----
    /// <summary>The layer is neither a tar, nor gzip, nor zstd.</summary>
    public const string UnknownCompression = "CHB1201";
    /// <summary>The gzip or zstd stream of the input layer is corrupt.</summary>
    public const string CorruptCompressedInput = "CHB1202";
    /// <summary>A layer spooled more decompressed bytes to temporary storage than the spool limit allows (a decompression bomb, or a limit set too low).</summary>
    public const string SpoolLimitExceeded = "CHB1203";

    // ---- validation of chunked layers (13xx) ----
    /// <summary>A chunked layer failed a reader check.</summary>
    public const string ValidationFailed = "CHB1301";

    // ---- images, layouts and archives (20xx) ----
    /// <summary>The source is not an image this tool can read (no OCI layout, not an archive).</summary>
    public const string NotAnImage = "CHB2001";
    /// <summary>The reference names no image in the source, or more than one.</summary>
    public const string ReferenceNotFound = "CHB2002";
    /// <summary>A blob the image refers to is missing.</summary>
    public const string BlobMissing = "CHB2003";
    /// <summary>A blob's content does not hash to its digest.</summary>
    public const string DigestMismatch = "CHB2004";
    /// <summary>A manifest, index or config is not valid JSON of its kind.</summary>
    public const string MalformedDocument = "CHB2005";
    /// <summary>A manifest names a layer media type ChunkedBuild does not know (so it cannot tell how the layer is compressed).</summary>
    public const string UnknownMediaType = "CHB2006";
    /// <summary>A layer decompresses to bytes whose sha256 differs from the config's <c>rootfs.diff_ids</c> entry, or the counts differ.</summary>
    public const string DiffIdMismatch = "CHB2007";
    /// <summary>A layout file is refused: a symbolic link that resolves outside the layout folder, or a link loop.</summary>
    public const string LayoutFileRefused = "CHB2008";
    /// <summary>An image exceeds a structural limit: index nesting, the number of manifests and indexes, or the size of a JSON document.</summary>
    public const string ImageLimitExceeded = "CHB2009";

    // ---- prioritization input (30xx) ----
    /// <summary>A prioritization manifest (YAML) breaks its schema: unknown key, wrong type, bad glob, unsupported version.</summary>
    public const string InvalidPrioritizationManifest = "CHB3001";
    /// <summary>An access record file (<c>--record-in</c>) has a line that is neither a record entry nor a path.</summary>
    public const string InvalidAccessRecord = "CHB3002";

    // ---- registries (40xx) ----
    /// <summary>An image reference (<c>registry/repository[:tag|@digest]</c>) is malformed.</summary>
    public const string InvalidImageReference = "CHB4001";
    /// <summary>A registry answered a request with an error status (after retries); the message names the method, the URL and the registry's <c>errors[]</c>.</summary>
    public const string RegistryRequestFailed = "CHB4002";
    /// <summary>A registry could not be reached (connection refused or reset, TLS failure, timeout) after retries.</summary>
    public const string RegistryUnreachable = "CHB4003";
    /// <summary>A registry refused access (401/403) to a repository or blob.</summary>
    public const string RegistryAccessDenied = "CHB4004";
    /// <summary>A registry answered in a way the distribution protocol does not allow (no upload location, a bad digest header, too many redirects).</summary>
    public const string RegistryProtocolError = "CHB4005";
    /// <summary>A manifest or tag the reference names does not exist in the registry.</summary>
    public const string RegistryManifestNotFound = "CHB4006";
    /// <summary>
    /// A subject's referrers tag (the fallback index <c>sha256-&lt;hex&gt;</c>) lost the entry being added to concurrent writers on every
    /// re-read and re-write; the message names the tag and the entry.
    /// </summary>
    public const string RegistryReferrersTagContended = "CHB4007";
    /// <summary>
    /// Warning: a registry cache entry failed verification (its blob is missing or does not hash to its digest, or is not a valid layer of
    /// its format, or does not hold exactly the source layer's entries): the layer is converted instead, and the entry never published.
    /// </summary>
    public const string RegistryCacheEntryRejected = "CHB4008";
    /// <summary>
    /// The registry serves bytes for a blob the image references that do not hash to its digest (its stored copy is damaged, and a push
    /// cannot replace it): nothing is tagged.
    /// </summary>
    public const string RegistryBlobDamaged = "CHB4009";
    /// <summary>Warning: a registry cache could not be read or written (access, network, a malformed cache manifest); the run goes on without it.</summary>
    public const string RegistryCacheUnavailable = "CHB4010";
    /// <summary>
    /// Warning: the registry does not serve the <c>Range</c> requests lazy (eStargz) or partial (zstd:chunked) pulls send; the status it
    /// gave is named.
    /// </summary>
    public const string RegistryRangeRequestsUnsupported = "CHB4011";

    // ---- registry authentication (45xx) ----
    /// <summary>The registry still answered 401 after the client answered its challenge (wrong or missing credentials).</summary>
    public const string RegistryAuthenticationFailed = "CHB4501";
    /// <summary>The token endpoint (the Bearer challenge's realm) refused the credentials or answered without a usable token.</summary>
    public const string RegistryTokenRequestFailed = "CHB4503";
    /// <summary>A request had to be re-sent after a 401 but its body was a stream that cannot be sent twice.</summary>
    public const string RegistryRequestNotReplayable = "CHB4504";
    /// <summary>The registry's <c>WWW-Authenticate</c> header is malformed or names no scheme this client supports (Basic, Bearer).</summary>
    public const string RegistryChallengeUnsupported = "CHB4505";
    /// <summary>A docker credential helper (<c>docker-credential-&lt;name&gt;</c>) is missing, failed, or printed something that is not its JSON answer.</summary>
    public const string CredentialHelperFailed = "CHB4506";
    /// <summary>A docker/podman auth file (<c>config.json</c>, <c>auth.json</c>) is not valid JSON or holds a malformed <c>auth</c> entry.</summary>
    public const string MalformedAuthFile = "CHB4507";
    /// <summary>A credential option (<c>--creds user:pass</c>, <c>--username</c> with <c>--password-stdin</c>) is malformed.</summary>
    public const string InvalidCredentialOption = "CHB4508";
    /// <summary>
    /// Credentials were not sent because the URL that asked for them (a registry, or a Bearer challenge's token realm) is plain HTTP
    /// to a host that is not loopback, not in <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c> and not allowed by <c>--insecure</c>, and
    /// the request failed without them.
    /// </summary>
    public const string RegistryCredentialsWithheld = "CHB4509";

    // ---- MSBuild integration (50xx) ----
    /// <summary>Warning: a container published to the local daemon (neither <c>ContainerRegistry</c> nor <c>ContainerArchiveOutputPath</c> set) is not converted.</summary>
    public const string LocalDaemonNotConverted = "CHB5001";

    // ---- options, usage and I/O (9xxx) ----
    /// <summary>An option value is out of range or inconsistent.</summary>
    public const string InvalidOption = "CHB9001";
    /// <summary>An input file could not be read or an output file could not be written.</summary>
    public const string IoError = "CHB9002";
}
