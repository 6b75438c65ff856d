namespace ChunkedBuild.Core.Transports;

/// <summary>How an image location is reached, named as skopeo names its transports.</summary>
public enum TransportKind
{
    /// <summary><c>oci:&lt;dir&gt;[:&lt;ref&gt;]</c> — an OCI image layout folder.</summary>
    Oci,

    /// <summary><c>oci-archive:&lt;file&gt;[:&lt;ref&gt;]</c> — an OCI image layout in a tar file (the SDK's archive for OCI images).</summary>
    OciArchive,

    /// <summary><c>docker-archive:&lt;file&gt;</c> — a <c>docker save</c>/<c>docker load</c> tar (the SDK's archive for Docker images).</summary>
    DockerArchive,

    /// <summary><c>docker://&lt;registry&gt;/&lt;repo&gt;[:tag|@digest]</c> — a registry.</summary>
    Registry,
}
