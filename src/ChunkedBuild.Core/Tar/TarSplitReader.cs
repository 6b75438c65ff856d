namespace ChunkedBuild.Core.Tar;

/// <summary>Parses tar-split JSON lines (the validator's and the reassembler's input).</summary>
public static class TarSplitReader
{
    /// <summary>Reads every line of <paramref name="jsonLines"/>; throws a CHB1301 error on a malformed line.</summary>
    public static IEnumerable<TarSplitEntry> Read(Stream jsonLines) => throw new NotImplementedException();
}
