namespace ChunkedBuild.Core.Tar;

/// <summary>The GNU sparse encodings Go's <c>archive/tar</c> (and hence tar-split and the lazy-pull readers) recognizes.</summary>
internal enum SparseFormat
{
    /// <summary>Old GNU: typeflag 'S', the map in the GNU header (4 regions) and in extension blocks (21 regions each).</summary>
    OldGnu,
    /// <summary>PAX 0.0: <c>GNU.sparse.numblocks</c> and repeated <c>GNU.sparse.offset</c>/<c>GNU.sparse.numbytes</c> records.</summary>
    Pax00,
    /// <summary>PAX 0.1: <c>GNU.sparse.numblocks</c> and a comma-separated <c>GNU.sparse.map</c> record.</summary>
    Pax01,
    /// <summary>PAX 1.0: <c>GNU.sparse.major=1</c>, <c>minor=0</c>; the map as decimal lines at the start of the payload.</summary>
    Pax10,
}

/// <summary>Names of <see cref="SparseFormat"/> values as the tool prints them.</summary>
internal static class SparseFormats
{
    /// <summary><c>gnu-old</c>, <c>pax-0.0</c>, <c>pax-0.1</c> or <c>pax-1.0</c>.</summary>
    public static string Label(this SparseFormat format) => format switch
    {
        SparseFormat.OldGnu => "gnu-old",
        SparseFormat.Pax00 => "pax-0.0",
        SparseFormat.Pax01 => "pax-0.1",
        SparseFormat.Pax10 => "pax-1.0",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
