namespace ChunkedBuild.Core.Tar;

/// <summary>Rebuilds the original tar from tar-split lines plus file contents (tar-split's <c>WriteOutputTarStream</c>).</summary>
public static class TarSplitAssembler
{
    /// <summary>
    /// Writes every segment payload and, for each file line with size &gt; 0, the whole content obtained from
    /// <paramref name="openFile"/>, checking its CRC-64; a mismatch or a short file is a CHB1301 error.
    /// </summary>
    public static void Assemble(IEnumerable<TarSplitEntry> entries, Func<TarSplitEntry, Stream> openFile, Stream output) =>
        throw new NotImplementedException();
}
