namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>What an <see cref="OciArchiveSink"/> does with a file that is already at its path.</summary>
public enum ExistingArchive
{
    /// <summary>Refuse it (CHB9001, naming the file): it stays untouched.</summary>
    Refuse,

    /// <summary>Replace it with exactly what the run wrote.</summary>
    Replace,

    /// <summary>
    /// Keep what it holds and apply the run's tags, as a layout folder does (an OCI archive converted in place); a file that is not an OCI
    /// archive (e.g. a docker archive converted in place) is replaced.
    /// </summary>
    Merge,
}
