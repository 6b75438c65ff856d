using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The tar entries of one layer, read in one pass, with the content of the files startup inference may open (configs, JSON, assemblies,
/// small files) spooled to a folder so they can be read back without another pass.
/// </summary>
internal sealed class LayerListing
{
    /// <summary>Files up to this size are always spooled.</summary>
    private const long SmallFile = 64 << 10;

    /// <summary>.json and .dll files up to this size are spooled (assembly metadata, deps/runtimeconfig files).</summary>
    private const long InterestingFile = 48L << 20;

    private readonly Dictionary<string, string> _spooled = new(StringComparer.Ordinal);

    private LayerListing(List<TarEntryInfo> entries) => Entries = entries;

    public List<TarEntryInfo> Entries { get; }

    public static async Task<LayerListing> ReadAsync(IImageSource source, Descriptor layer, string spoolFolder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(spoolFolder);
        var entries = new List<TarEntryInfo>();
        var listing = new LayerListing(entries);
        await using var blob = await source.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
        await using var tar = LayerInput.OpenUncompressed(blob, out _);
        using var reader = new RawTarReader(tar, leaveOpen: true);
        var buffer = new byte[1 << 16];
        while (reader.ReadNext() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            entries.Add(entry.Info);
            if (!entry.Info.IsRegularFile || !Wanted(entry.Info)) continue;
            var path = Path.Combine(spoolFolder, $"{entries.Count}.bin");
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                int n;
                while ((n = reader.ReadData(buffer)) > 0) file.Write(buffer, 0, n);
            }
            listing._spooled[entry.Info.Name] = path;
        }
        return listing;
    }

    /// <summary>The spooled content of an entry (by its name as the layer spells it), or null when it was not kept.</summary>
    public byte[]? Read(string entryName, int maxBytes)
    {
        if (!_spooled.TryGetValue(entryName, out var path)) return null;
        var info = new FileInfo(path);
        return info.Length > maxBytes ? null : File.ReadAllBytes(path);
    }

    private static bool Wanted(TarEntryInfo info) =>
        info.Size <= SmallFile
        || (info.Size <= InterestingFile && (info.Name.EndsWith(".json", StringComparison.Ordinal) || info.Name.EndsWith(".dll", StringComparison.Ordinal)));
}
