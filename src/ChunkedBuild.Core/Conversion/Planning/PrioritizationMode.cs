namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>Where the list of files to fetch first comes from.</summary>
public enum PrioritizationMode
{
    /// <summary>Inferred from the image when it is a .NET app (entry assembly, its deps/runtimeconfig, the runtime the host loads); none otherwise.</summary>
    Auto,

    /// <summary>No prioritization: eStargz layers get the no-prefetch landmark.</summary>
    None,

    /// <summary>A prioritization manifest (YAML: ordered paths and globs, excludes, per-platform rules).</summary>
    Manifest,

    /// <summary>An access record: ctr-remote's JSON lines or a plain list of paths.</summary>
    Record,
}
