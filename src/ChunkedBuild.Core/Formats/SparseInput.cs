using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The one place a writer's input meets <see cref="FormatOptions.Sparse"/>: with <see cref="SparseMode.Densify"/> the tar goes through a
/// <see cref="SparseDensifier"/> on its way to the writer, and the result names the entries it rewrote; with <see cref="SparseMode.Refuse"/>
/// the writer sees the tar itself and its entry rules refuse sparse entries (CHB1102).
/// </summary>
internal static class SparseInput
{
    /// <summary>Runs <paramref name="write"/> over <paramref name="tar"/> as <paramref name="options"/> say.</summary>
    public static LayerWriteResult Write(Stream tar, FormatOptions options, Func<Stream, LayerWriteResult> write)
    {
        if (options.Sparse == SparseMode.Refuse) return write(tar);
        using var densifier = new SparseDensifier(tar, leaveOpen: true);
        var result = write(densifier);
        return densifier.DensifiedEntries.Count == 0 ? result : result with { DensifiedEntries = [.. densifier.DensifiedEntries] };
    }
}
