namespace ChunkedBuild.Core.Registry;

/// <summary>How a blob reached a registry.</summary>
/// <param name="Mounted">True when the registry mounted it from another repository (nothing was sent).</param>
/// <param name="AlreadyPresent">True when a retry found the blob already stored (an earlier attempt landed but its answer was lost).</param>
/// <param name="BytesSent">Content bytes sent, retries and restarts included.</param>
public sealed record BlobUploadResult(bool Mounted, bool AlreadyPresent, long BytesSent);
