namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Writes tar-split JSON lines exactly as vbatts/tar-split's JSON packer does (key order type,name|name_raw,size,payload,position;
/// Go escaping; one object + "\n" per line), so that the bytes equal the reference for the same tar.
/// </summary>
public sealed class TarSplitWriter
{
    /// <summary>Creates a writer that appends lines to <paramref name="output"/>.</summary>
    public TarSplitWriter(Stream output) => throw new NotImplementedException();

    /// <summary>Uncompressed bytes written so far.</summary>
    public long BytesWritten => throw new NotImplementedException();

    /// <summary>Appends a SegmentType line holding <paramref name="payload"/> (std base64, padded).</summary>
    public void AddSegment(ReadOnlySpan<byte> payload) => throw new NotImplementedException();

    /// <summary>Appends a FileType line for <paramref name="info"/>; <paramref name="crc64"/> is required when the size is &gt; 0.</summary>
    public void AddFile(TarEntryInfo info, ulong? crc64) => throw new NotImplementedException();
}
