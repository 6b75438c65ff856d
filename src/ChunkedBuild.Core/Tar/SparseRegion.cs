namespace ChunkedBuild.Core.Tar;

/// <summary>One data region of a sparse file: <see cref="Length"/> stored bytes at logical <see cref="Offset"/>; the rest is hole.</summary>
/// <param name="Offset">Logical offset of the first stored byte.</param>
/// <param name="Length">Number of stored bytes (0 is allowed: GNU tar ends a map with a 0-length region at the real size).</param>
internal readonly record struct SparseRegion(long Offset, long Length)
{
    /// <summary>The logical offset just past the region.</summary>
    public long End => Offset + Length;
}
