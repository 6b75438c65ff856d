using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>One tar entry as an origin check compares it: its parsed header, the sha256 of its header blocks and that of its payload.</summary>
/// <param name="Info">The parsed header.</param>
/// <param name="HeaderDigest">sha256 of every header block of the entry (PAX and GNU extension blocks included), byte for byte.</param>
/// <param name="PayloadDigest">sha256 of the payload bytes that follow the headers (padding excluded: readers never see it).</param>
public sealed record TarEntryDigest(TarEntryInfo Info, Digest HeaderDigest, Digest PayloadDigest);

/// <summary>
/// One entry a blob of a format must hold, in order: an entry of the source (by its index in the source's entries), or one the writer
/// generates itself (an eStargz landmark or TOC file), given by its name, its header bytes for the size found and, when fixed, its content.
/// </summary>
public sealed record ExpectedEntry
{
    /// <summary>The source entry's index, or -1 for a generated entry.</summary>
    public int SourceIndex { get; private init; } = -1;

    /// <summary>A generated entry's name (null for a source entry).</summary>
    public string? GeneratedName { get; private init; }

    /// <summary>A generated entry's header blocks, given the payload size the blob declares.</summary>
    public Func<long, byte[]>? GeneratedHeader { get; private init; }

    /// <summary>A generated entry's fixed content, or null when another check covers it (the eStargz TOC: the validator).</summary>
    public byte[]? GeneratedContent { get; private init; }

    /// <summary>The source entry at <paramref name="index"/>.</summary>
    public static ExpectedEntry FromSource(int index) => new() { SourceIndex = index };

    /// <summary>An entry the writer generates.</summary>
    public static ExpectedEntry Generated(string name, Func<long, byte[]> header, byte[]? content) =>
        new() { GeneratedName = name, GeneratedHeader = header, GeneratedContent = content };
}
