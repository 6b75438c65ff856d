using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>What the bundler says a file embedded in a single-file bundle is (one byte in each manifest entry).</summary>
internal enum BundleFileType : byte
{
    /// <summary>Not determined (content files bundled with <c>IncludeAllContentForSelfExtract</c>).</summary>
    Unknown = 0,

    /// <summary>A managed (IL or ReadyToRun) assembly.</summary>
    Assembly = 1,

    /// <summary>A native library (bundled only with <c>IncludeNativeLibrariesForSelfExtract</c>; extracted to disk at start).</summary>
    NativeBinary = 2,

    /// <summary>The app's <c>*.deps.json</c>.</summary>
    DepsJson = 3,

    /// <summary>The app's <c>*.runtimeconfig.json</c>.</summary>
    RuntimeConfigJson = 4,

    /// <summary>Debug symbols (<c>*.pdb</c>).</summary>
    Symbols = 5,
}

/// <summary>One file embedded in a single-file bundle.</summary>
/// <param name="RelativePath">Its path relative to the app folder, with <c>/</c> separators.</param>
/// <param name="Offset">Where its bytes start in the executable.</param>
/// <param name="Size">Its size.</param>
/// <param name="CompressedSize">The size of its deflate-compressed bytes at <paramref name="Offset"/>; 0 when stored uncompressed.</param>
/// <param name="Type">What it is.</param>
internal sealed record BundleEntry(string RelativePath, long Offset, long Size, long CompressedSize, BundleFileType Type);

/// <summary>
/// The manifest of a .NET single-file bundle (<c>dotnet publish -p:PublishSingleFile=true</c>): an app host with the
/// app's assemblies, <c>*.deps.json</c> and <c>*.runtimeconfig.json</c> appended, and the manifest (the bundle header)
/// after them. The host finds the header through an <c>Int64</c> offset patched into its data right before a fixed
/// 32-byte signature; a plain app host carries the same signature with offset 0.
/// </summary>
internal sealed class SingleFileBundle
{
    /// <summary>The largest executable read as a possible bundle (a self-contained bundle is about 70 MB).</summary>
    public const int MaxExecutableBytes = 256 << 20;

    /// <summary>
    /// The bundle signature: SHA-256 of ".net core bundle". The 8 bytes before it are the bundle header offset
    /// (<c>Int64</c>, little endian; 0 in an app host that is not a bundle).
    /// </summary>
    private static ReadOnlySpan<byte> Signature =>
    [
        0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
        0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae,
    ];

    // Bundle header at the header offset, little endian, unaligned:
    //   uint32 major version, uint32 minor version, int32 file count (> 0),
    //   bundle ID: length-prefixed UTF-8 string (length 7-bit encoded as .NET's BinaryWriter writes it),
    //   from major version 2 on: int64 deps.json offset, int64 deps.json size, int64 runtimeconfig.json offset,
    //   int64 runtimeconfig.json size (offset 0: none), uint64 flags (bit 0: .NET Core 3.x compatibility mode, every
    //   file is extracted to disk), then the manifest: per file
    //   int64 offset (> 0), int64 size, from major version 6 on int64 compressed size (0: stored), byte type
    //   (BundleFileType), length-prefixed UTF-8 relative path.
    // Versions: 1 (.NET Core 3.x), 2 (.NET 5), 6 (.NET 6 and later); newer ones are not understood.
    private const uint MinMajorVersion = 1;
    private const uint MaxMajorVersion = 6;
    private const uint FirstVersionWithLocations = 2;
    private const uint FirstVersionWithCompression = 6;
    private const int MinEntryBytes = 8 + 8 + 1 + 2; // offset, size, type, a path of one byte
    private const int MaxPathBytes = 4096;           // the host refuses longer paths (PATH_MAX)

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _executable;

    private SingleFileBundle(byte[] executable, uint major, uint minor, string bundleId, ulong flags, IReadOnlyList<BundleEntry> entries)
    {
        _executable = executable;
        MajorVersion = major;
        MinorVersion = minor;
        BundleId = bundleId;
        Flags = flags;
        Entries = entries;
    }

    /// <summary>The bundle format's major version (1, 2 or 6).</summary>
    public uint MajorVersion { get; }

    /// <summary>The bundle format's minor version.</summary>
    public uint MinorVersion { get; }

    /// <summary>The bundle ID (a component of the extraction folder).</summary>
    public string BundleId { get; }

    /// <summary>The header flags (0 for version 1; bit 0: .NET Core 3.x compatibility mode, every file is extracted to disk at start).</summary>
    public ulong Flags { get; }

    /// <summary>The executable's bytes (the host, the embedded files, the manifest).</summary>
    public byte[] Executable => _executable;

    /// <summary>The embedded files, in manifest order.</summary>
    public IReadOnlyList<BundleEntry> Entries { get; }

    /// <summary>The app's runtimeconfig.json entry, if bundled.</summary>
    public BundleEntry? RuntimeConfig => Entries.FirstOrDefault(e => e.Type == BundleFileType.RuntimeConfigJson);

    /// <summary>The app's deps.json entry, if bundled.</summary>
    public BundleEntry? Deps => Entries.FirstOrDefault(e => e.Type == BundleFileType.DepsJson);

    /// <summary>
    /// The entry assembly: <c>&lt;app&gt;.dll</c>, where the bundler names the runtimeconfig <c>&lt;app&gt;.runtimeconfig.json</c>;
    /// without one, <c>&lt;<paramref name="executableName"/>&gt;.dll</c>.
    /// </summary>
    public BundleEntry? EntryAssembly(string executableName)
    {
        const string suffix = ".runtimeconfig.json";
        var app = RuntimeConfig is { RelativePath: var config } && config.EndsWith(suffix, StringComparison.Ordinal) ? config[..^suffix.Length] : executableName;
        return Find(app + ".dll");
    }

    /// <summary>The entry at <paramref name="relativePath"/> (ordinal, as the host matches it), or null.</summary>
    public BundleEntry? Find(string relativePath) => Entries.FirstOrDefault(e => e.RelativePath == relativePath);

    /// <summary>
    /// The content of an entry (inflated when it is stored compressed), or null when it is larger than
    /// <paramref name="maxBytes"/> or its compressed bytes do not inflate to its size.
    /// </summary>
    public byte[]? Read(BundleEntry entry, int maxBytes)
    {
        if (entry.Size > maxBytes) return null;
        if (entry.CompressedSize == 0) return _executable.AsSpan((int)entry.Offset, (int)entry.Size).ToArray();
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(_executable, (int)entry.Offset, (int)entry.CompressedSize, writable: false), CompressionMode.Decompress);
            var content = new byte[entry.Size];
            inflate.ReadExactly(content);
            return inflate.ReadByte() == -1 ? content : null;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>
    /// The bundle in <paramref name="executable"/> (kept, not copied), or null when it is not one: no signature, a header
    /// offset of 0 (a plain app host), an unknown version, or anything truncated or out of bounds.
    /// </summary>
    public static SingleFileBundle? TryRead(byte[] executable)
    {
        // the host's own signature comes first: a bundled file holding the same bytes (the bundler's own assembly) lies after the host
        var signature = executable.AsSpan().IndexOf(Signature);
        if (signature < sizeof(long)) return null;
        var headerOffset = BinaryPrimitives.ReadInt64LittleEndian(executable.AsSpan(signature - sizeof(long)));
        if (headerOffset <= 0 || headerOffset >= executable.Length) return null;
        try
        {
            return Parse(executable, (int)headerOffset);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null; // DecoderFallbackException (invalid UTF-8) is an ArgumentException
        }
    }

    private static SingleFileBundle Parse(byte[] executable, int headerOffset)
    {
        var reader = new Reader(executable, headerOffset);
        var major = reader.UInt32();
        var minor = reader.UInt32();
        var count = reader.Int32();
        if (major is < MinMajorVersion or > MaxMajorVersion) throw new FormatException($"bundle version {major}.{minor} is not understood");
        if (count <= 0 || count > (executable.Length - headerOffset) / MinEntryBytes) throw new FormatException($"bundle file count {count}");
        var bundleId = reader.String();
        ulong flags = 0;
        if (major >= FirstVersionWithLocations)
        {
            for (var i = 0; i < 2; i++) CheckRange(reader.Int64(), reader.Int64(), executable.Length, allowNone: true); // deps.json, runtimeconfig.json
            flags = reader.UInt64();
        }
        var entries = new List<BundleEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Int64();
            var size = reader.Int64();
            var compressed = major >= FirstVersionWithCompression ? reader.Int64() : 0;
            var type = reader.Byte();
            if (offset <= 0 || size < 0 || compressed < 0 || type > (byte)BundleFileType.Symbols) throw new FormatException($"bundle entry {i} is invalid");
            CheckRange(offset, compressed != 0 ? compressed : size, executable.Length, allowNone: false);
            if (size > int.MaxValue) throw new FormatException($"bundle entry {i} is too large");
            entries.Add(new BundleEntry(reader.String().Replace('\\', '/'), offset, size, compressed, (BundleFileType)type));
        }
        return new SingleFileBundle(executable, major, minor, bundleId, flags, entries);
    }

    /// <summary>Refuses a stored range that does not lie in the file (offset 0 means "none" where <paramref name="allowNone"/>).</summary>
    private static void CheckRange(long offset, long size, long fileLength, bool allowNone)
    {
        if (allowNone && offset == 0) return;
        if (offset <= 0 || size < 0 || offset > fileLength || size > fileLength - offset) throw new FormatException($"range {offset}+{size} is outside the file");
    }

    /// <summary>A bounds-checked little-endian cursor; every overrun is a <see cref="FormatException"/>.</summary>
    private ref struct Reader(byte[] bytes, int position)
    {
        private int _position = position;

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public byte Byte() => Take(1)[0];

        /// <summary>A string with a 7-bit encoded length (low groups first, high bit: more follow; at most two bytes, as the host reads it).</summary>
        public string String()
        {
            int length = Byte();
            if ((length & 0x80) != 0)
            {
                int second = Byte();
                if ((second & 0x80) != 0) throw new FormatException("path length encoded in more than two bytes");
                length = (length & 0x7f) | (second << 7);
            }
            if (length is 0 or > MaxPathBytes) throw new FormatException($"path length {length}");
            return StrictUtf8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > bytes.Length - _position) throw new FormatException("the bundle header runs past the end of the file");
            var span = bytes.AsSpan(_position, count);
            _position += count;
            return span;
        }
    }
}
