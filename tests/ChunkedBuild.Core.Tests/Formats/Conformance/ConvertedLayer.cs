using ChunkedBuild.Core.Formats;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>A blob written by a format, with the result the format returned.</summary>
/// <param name="Blob">Every byte written to the destination.</param>
/// <param name="Result">What <see cref="ILayerFormat.WriteAsync"/> returned.</param>
public sealed record ConvertedLayer(byte[] Blob, LayerWriteResult Result)
{
    /// <summary>Converts <paramref name="tar"/> with <paramref name="format"/>.</summary>
    public static async Task<ConvertedLayer> ConvertAsync(ILayerFormat format, byte[] tar, FormatOptions options)
    {
        using var input = new MemoryStream(tar, writable: false);
        using var output = new MemoryStream();
        var result = await format.WriteAsync(input, output, options, TestContext.Current.CancellationToken);
        return new ConvertedLayer(output.ToArray(), result);
    }

    /// <summary>Writes the blob to a file under <paramref name="folder"/> and returns its path.</summary>
    public string SaveTo(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.{Guid.NewGuid():N}.blob");
        File.WriteAllBytes(path, Blob);
        return path;
    }
}
