using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The tar entries of a converted blob read from its metadata alone (<see cref="ILayerFormat.ReadTarListing"/>): every header in tar order,
/// and any regular file decoded on its own, without decompressing the rest of the layer.
/// </summary>
public interface IBlobTarListing
{
    /// <summary>Every entry's header, in tar order.</summary>
    IReadOnlyList<TarEntryInfo> Headers { get; }

    /// <summary>The content of the regular file <paramref name="name"/> (as the layer spells it) read from <paramref name="blob"/>; empty for an empty or unknown file.</summary>
    byte[] ReadFile(Stream blob, string name);
}
