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
        var input = Open(tar, options);
        try
        {
            var result = write(input);
            return input is SparseDensifier { DensifiedEntries.Count: > 0 } densifier ? result with { DensifiedEntries = [.. densifier.DensifiedEntries] } : result;
        }
        finally
        {
            if (!ReferenceEquals(input, tar)) input.Dispose();
        }
    }

    /// <summary>
    /// The tar a writer reads for <paramref name="tar"/>: a <see cref="SparseDensifier"/> over it (leaving it open) with
    /// <see cref="SparseMode.Densify"/>, else the tar itself.
    /// </summary>
    public static Stream Open(Stream tar, FormatOptions options) =>
        options.Sparse == SparseMode.Refuse ? tar : new SparseDensifier(tar, leaveOpen: true);
}
