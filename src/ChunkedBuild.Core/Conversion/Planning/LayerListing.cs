using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Conversion.Planning;

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

    /// <summary>Shared libraries (<c>*.so</c>, <c>*.so.N…</c>) up to this size are spooled (startup inference reads their ELF dependencies).</summary>
    private const long SharedLibraryFile = 64L << 20;

    /// <summary>Executable files up to this size are spooled (the dotnet host and app hosts: their ELF interpreter and dependencies).</summary>
    private const long ExecutableFile = 256L << 10;

    /// <summary>
    /// Executable files outside the OS folders (<see cref="OsFolders"/>) up to this size are spooled too: a single-file .NET app is its
    /// app host with the app bundled in (a self-contained one about 70 MB), and inference reads its bundle manifest, which sits at the end.
    /// The listing keeps whole files only, so such a file is copied whole; the OS folders, where large programs of other kinds live, are left out.
    /// </summary>
    private const long AppExecutableFile = 256L << 20;

    /// <summary>Top-level folders of the OS (FHS) whose large executables are not spooled; apps live elsewhere (/app, /opt, /srv, /home).</summary>
    private static readonly string[] OsFolders = ["bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys", "usr", "var"];

    /// <summary>Any of the execute bits (0111) of a tar mode.</summary>
    private const long ExecuteBits = 0b001_001_001;

    private readonly Dictionary<string, (long Offset, long Length)> _spooled = new(StringComparer.Ordinal);
    private readonly string? _spoolFile;
    private readonly Func<string, byte[]>? _readKept;

    private LayerListing(List<TarEntryInfo> entries, string spoolFile)
    {
        Entries = entries;
        _spoolFile = spoolFile;
    }

    private LayerListing(List<TarEntryInfo> entries, Func<string, byte[]> readKept)
    {
        Entries = entries;
        _readKept = readKept;
    }

    public List<TarEntryInfo> Entries { get; }

    /// <summary>
    /// Lists <paramref name="layer"/> of <paramref name="source"/>: opens and decompresses its blob, then <see cref="FromTar"/>, spooling at most
    /// <paramref name="spoolLimit"/> bytes of wanted file contents (CHB1203 past it).
    /// </summary>
    public static async Task<LayerListing> ReadAsync(IImageSource source, Descriptor layer, string spoolFolder, long spoolLimit, CancellationToken cancellationToken)
    {
        await using var blob = await source.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
        await using var tar = LayerInput.OpenUncompressed(blob, out _, blobSize: layer.Size);
        return FromTar(tar, spoolFolder, spoolLimit, cancellationToken);
    }

    /// <summary>
    /// Lists the uncompressed <paramref name="tar"/> (read sequentially, up to its end-of-archive marker), spooling the wanted files' content
    /// to one file under <paramref name="spoolFolder"/>, at most <paramref name="spoolLimit"/> bytes (CHB1203 past it).
    /// </summary>
    public static LayerListing FromTar(Stream tar, string spoolFolder, long spoolLimit, CancellationToken cancellationToken)
    {
        // One append-only spool file per layer: a sequential write instead of a file per entry.
        Directory.CreateDirectory(spoolFolder);
        var entries = new List<TarEntryInfo>();
        var listing = new LayerListing(entries, Path.Combine(spoolFolder, "spool.bin"));
        using var spool = SpoolFile.CreateNamed(listing._spoolFile!, spoolLimit, Purpose);
        using var reader = new RawTarReader(tar, leaveOpen: true);
        var buffer = new byte[1 << 16];
        while (reader.ReadNext() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            entries.Add(entry.Info);
            if (!entry.Info.IsRegularFile || !Wanted(entry.Info)) continue;
            var offset = spool.Position;
            int n;
            while ((n = reader.ReadData(buffer)) > 0) spool.Write(buffer, 0, n);
            listing._spooled[entry.Info.Name] = (offset, spool.Position - offset);
        }
        return listing;
    }

    /// <summary>
    /// Lists a converted blob whose decompressed stream is the layer's tar (its validator accepted it with the layer's DiffID, so its metadata
    /// describes exactly that tar) from <paramref name="format"/>'s metadata alone (<see cref="ILayerFormat.ReadTarListing"/>): the files a
    /// listing keeps are decoded on their own when inference asks for them, instead of decompressing the layer again. Null when the format's
    /// metadata cannot list the tar.
    /// </summary>
    /// <exception cref="FormatException">The blob's metadata is malformed (it would not have passed its validator).</exception>
    public static LayerListing? FromConvertedBlob(ILayerFormat format, string blobPath, IReadOnlyDictionary<string, string> annotations)
    {
        IBlobTarListing? metadata;
        using (var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12)) metadata = format.ReadTarListing(blob, annotations);
        if (metadata is null) return null;
        var listing = new LayerListing([.. metadata.Headers], name =>
        {
            using var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
            return metadata.ReadFile(blob, name);
        });
        // The same files a listing read from the tar keeps (the last entry of a name wins there too).
        foreach (var entry in metadata.Headers.Where(e => e.IsRegularFile && Wanted(e))) listing._spooled[entry.Name] = (0, entry.Size);
        return listing;
    }

    /// <summary>The spooled content of an entry (by its name as the layer spells it), or null when it was not kept.</summary>
    public byte[]? Read(string entryName, int maxBytes)
    {
        if (!_spooled.TryGetValue(entryName, out var at) || at.Length > maxBytes) return null;
        if (_readKept is not null) return _readKept(entryName);
        using var spool = new FileStream(_spoolFile!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
        return IO.RangeReadStream.ReadAll(spool, at.Offset, at.Length);
    }

    private const string Purpose = "keeping the files startup inference reads";

    /// <summary>Whether a regular file's content is spooled for startup inference.</summary>
    internal static bool Wanted(TarEntryInfo info) =>
        info.Size <= SmallFile
        || (info.Size <= InterestingFile && (info.Name.EndsWith(".json", StringComparison.Ordinal) || info.Name.EndsWith(".dll", StringComparison.Ordinal)))
        || (info.Size <= SharedLibraryFile && IsSharedLibraryName(info.Name))
        || ((info.Mode & ExecuteBits) != 0 && (info.Size <= ExecutableFile || (info.Size <= AppExecutableFile && !InOsFolder(info.Name))));

    /// <summary>Whether an entry name (<c>usr/bin/x</c>, <c>./usr/bin/x</c>, <c>/usr/bin/x</c>) lies under one of the <see cref="OsFolders"/>.</summary>
    private static bool InOsFolder(string name)
    {
        var path = ImagePath.Normalize(name); // "/usr/bin/x"
        var slash = path.IndexOf('/', 1);
        return slash > 0 && OsFolders.Contains(path[1..slash], StringComparer.Ordinal);
    }

    /// <summary>A file name like <c>libc.so.6</c>, <c>libstdc++.so.6.0.30</c> or <c>libcoreclr.so</c>.</summary>
    private static bool IsSharedLibraryName(string name)
    {
        var fileName = name.AsSpan(name.LastIndexOf('/') + 1);
        var so = fileName.LastIndexOf(".so", StringComparison.Ordinal);
        if (so <= 0) return false;
        var suffix = fileName[(so + 3)..];
        foreach (var c in suffix)
        {
            if (c != '.' && !char.IsAsciiDigit(c)) return false;
        }
        return suffix.Length == 0 || suffix[0] == '.';
    }
}
