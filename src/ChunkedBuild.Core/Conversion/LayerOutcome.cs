namespace ChunkedBuild.Core.Conversion;

/// <summary>What happened to one layer in one variant.</summary>
public enum LayerOutcome
{
    /// <summary>Converted in this run.</summary>
    Converted,

    /// <summary>Taken from the converted-layer cache (converted by an earlier run).</summary>
    Cached,

    /// <summary>Converted by another run and shared through a registry cache; verified against the source before use.</summary>
    RegistryCached,

    /// <summary>Already in the variant's format: passed through untouched.</summary>
    AlreadyInFormat,

    /// <summary>The format cannot represent the layer (a warning names the entry): kept in its original compression.</summary>
    Kept,

    /// <summary>The original variant: the source layer as it is.</summary>
    Original,
}
