using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One unit of conversion work (a source layer in one variant), with a live byte counter for progress displays.</summary>
public sealed class LayerWork
{
    private long _bytesRead;

    /// <summary>Creates a work item.</summary>
    public LayerWork(Descriptor source, LayerVariant variant)
    {
        Source = source;
        Variant = variant;
    }

    /// <summary>The source layer.</summary>
    public Descriptor Source { get; }

    /// <summary>The variant being produced.</summary>
    public LayerVariant Variant { get; }

    /// <summary>Compressed source bytes read so far (of <see cref="Descriptor.Size"/>).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>A short name for displays: the first 12 hex digits of the source digest.</summary>
    public string ShortName => Source.Digest.Hex[..12];

    internal void SetBytesRead(long value) => Interlocked.Exchange(ref _bytesRead, value);
}
