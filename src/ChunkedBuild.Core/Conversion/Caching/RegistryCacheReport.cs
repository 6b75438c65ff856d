namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>What the registry cache did in a conversion (docs/registry-cache.md).</summary>
public sealed record RegistryCacheReport
{
    /// <summary>The caches looked in, in order (<c>registry/repository:tag</c>).</summary>
    public required IReadOnlyList<string> LookedUp { get; init; }

    /// <summary>The cache new conversions were recorded in, or null.</summary>
    public string? RecordedTo { get; init; }

    /// <summary>Layer conversions taken from a registry cache after verification.</summary>
    public required int Hits { get; init; }

    /// <summary>Layer conversions no cache had (converted in this run).</summary>
    public required int Misses { get; init; }

    /// <summary>Cache entries that failed verification (each a CHB4008 warning; the layer was converted instead).</summary>
    public required int Rejected { get; init; }

    /// <summary>The bytes of the converted blobs taken from caches: what this run did not have to write (nor, when mounted, to upload).</summary>
    public required long BytesSaved { get; init; }

    /// <summary>Records written to <see cref="RecordedTo"/> that it did not hold before.</summary>
    public required int Recorded { get; init; }
}
