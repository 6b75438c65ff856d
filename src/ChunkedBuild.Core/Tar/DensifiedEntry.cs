namespace ChunkedBuild.Core.Tar;

/// <summary>A sparse entry the densifier rewrote as a regular file.</summary>
/// <param name="Name">The entry name (the real name, after <c>GNU.sparse.name</c>), verbatim.</param>
/// <param name="Format">The sparse encoding it had (<c>gnu-old</c>, <c>pax-0.0</c>, <c>pax-0.1</c>, <c>pax-1.0</c>).</param>
/// <param name="Size">The logical size, now the size of the regular file.</param>
/// <param name="StoredBytes">How many data bytes the sparse entry stored (the rest were holes, now zeros).</param>
public sealed record DensifiedEntry(string Name, string Format, long Size, long StoredBytes);
