using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Converts a layer file into a chunked blob file: detects the input compression, writes to a temporary file beside
/// the output and renames it into place only when the conversion succeeded, so no half-written output is ever left.
/// </summary>
public static class LayerFileConverter
{
    /// <summary>
    /// Converts <paramref name="inputPath"/> into <paramref name="outputPath"/> with <paramref name="format"/>;
    /// <paramref name="wrapInput"/> may wrap the input file stream (e.g. to show progress).
    /// </summary>
    public static async Task<LayerWriteResult> ConvertAsync(string inputPath, string outputPath, ILayerFormat format,
        FormatOptions options, CancellationToken cancellationToken = default, Func<Stream, Stream>? wrapInput = null)
    {
        var fullOutput = Path.GetFullPath(outputPath);
        var temp = Path.Combine(Path.GetDirectoryName(fullOutput)!, $".{Path.GetFileName(fullOutput)}.{Guid.NewGuid():N}.tmp");
        try
        {
            LayerWriteResult result;
            await using (var input = wrapInput is null ? OpenInput(inputPath) : wrapInput(OpenInput(inputPath)))
            await using (var tar = LayerInput.OpenUncompressed(input, out _))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                result = await format.WriteAsync(tar, output, options with { LayerName = options.LayerName ?? inputPath }, cancellationToken);
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }
            File.Move(temp, fullOutput, overwrite: true);
            return result;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"converting '{inputPath}' to '{outputPath}' failed: {e.Message}", layer: inputPath, innerException: e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static FileStream OpenInput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the layer '{path}': {e.Message}", layer: path, innerException: e);
        }
    }
}
