using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Formats;

/// <summary>The layer formats ChunkedBuild writes, by their command-line names.</summary>
public static class LayerFormats
{
    /// <summary>Names accepted by <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [ZstdChunked.ZstdChunkedSpec.Name, EStargz.EStargzSpec.Name];

    /// <summary>Returns the format called <paramref name="name"/>; an unknown name is a CHB9001 error.</summary>
    public static ILayerFormat Get(string name) => name switch
    {
        ZstdChunked.ZstdChunkedSpec.Name => new ZstdChunked.ZstdChunkedFormat(),
        EStargz.EStargzSpec.Name => new EStargz.EStargzFormat(),
        _ => throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown layer format '{name}' (use {string.Join(" or ", Names)})"),
    };

    /// <summary>Returns the validator of the format called <paramref name="name"/>.</summary>
    public static ILayerValidator GetValidator(string name) => name switch
    {
        ZstdChunked.ZstdChunkedSpec.Name => new ZstdChunked.ZstdChunkedValidator(),
        EStargz.EStargzSpec.Name => new EStargz.EStargzValidator(),
        _ => throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown layer format '{name}' (use {string.Join(" or ", Names)})"),
    };
}
