using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Hears each tar entry a writer reads (and, when it asks, the entry's payload), so a caller can list a layer during its conversion
/// instead of decompressing it a second time.
/// </summary>
public interface ITarEntryListener
{
    /// <summary>An entry was read; return true to receive its payload through <see cref="OnPayload"/>.</summary>
    bool OnEntry(TarEntryInfo info);

    /// <summary>A piece of the payload of the last entry that asked for it.</summary>
    void OnPayload(ReadOnlySpan<byte> data);

    /// <summary>The payload of the last entry that asked for it is complete.</summary>
    void OnPayloadEnd();
}
