namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Walks the header blocks of one entry as <see cref="RawTarEntry.HeaderBytes"/> holds them: PAX ('x') and GNU
/// long-name ('L', 'K') records, each a header block plus its padded data, then the main header block and, for old-GNU
/// sparse files, their extension blocks.
/// </summary>
internal static class TarHeaderChain
{
    /// <summary>One extension record: its typeflag, where its header block starts and its length with data and padding.</summary>
    public readonly record struct Record(byte Type, int Start, int Length);

    /// <summary>The extension records in order, and where the main header block starts.</summary>
    public static (List<Record> Records, int MainStart) Split(ReadOnlySpan<byte> headers)
    {
        var records = new List<Record>();
        var at = 0;
        while (headers[at + TarHeaderBlock.TypeFlag] is TarTypeFlag.PaxExtended or TarTypeFlag.GnuLongName or TarTypeFlag.GnuLongLink)
        {
            var length = TarHeaderBlock.Size + (int)PaddedLength(DataLength(headers.Slice(at, TarHeaderBlock.Size)));
            records.Add(new Record(headers[at + TarHeaderBlock.TypeFlag], at, length));
            at += length;
        }
        return (records, at);
    }

    /// <summary>The data length a header block announces (its size field).</summary>
    public static long DataLength(ReadOnlySpan<byte> block) => new TarFieldParser().Numeric(block[TarHeaderBlock.FileSize]);

    /// <summary><paramref name="size"/> rounded up to whole blocks.</summary>
    public static long PaddedLength(long size) => (size + TarHeaderBlock.Size - 1) / TarHeaderBlock.Size * TarHeaderBlock.Size;
}
