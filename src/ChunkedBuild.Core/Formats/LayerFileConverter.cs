using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Converts a layer file into a chunked blob file: detects the input compression, writes to a temporary file in the run's scratch folder
/// beside the output and renames it into place only when the conversion succeeded, so no half-written output is ever left (a killed run's
/// scratch folder is removed by the next run). An existing output is only replaced when asked.
/// </summary>
public static class LayerFileConverter
{
    /// <summary>
    /// Converts <paramref name="inputPath"/> into <paramref name="outputPath"/> with <paramref name="format"/>;
    /// <paramref name="wrapInput"/> may wrap the input file stream (e.g. to show progress).
    /// </summary>
    /// <exception cref="ChunkedBuildException">
    /// CHB9001 when the input or the output is a folder, or the output exists and <paramref name="overwrite"/> is false; CHB9002 on I/O errors.
    /// </exception>
    public static async Task<LayerWriteResult> ConvertAsync(string inputPath, string outputPath, ILayerFormat format,
        FormatOptions options, CancellationToken cancellationToken = default, Func<Stream, Stream>? wrapInput = null, bool overwrite = false)
    {
        var fullOutput = Path.GetFullPath(outputPath);
        if (Directory.Exists(inputPath))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{inputPath}' is a folder; give the layer file (a tar, or a gzip or zstd compressed tar)");
        if (Directory.Exists(fullOutput))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the output '{outputPath}' is a folder; give the file to write");
        if (!overwrite && File.Exists(fullOutput)) throw Exists(outputPath);
        await using var input = OpenInput(inputPath);
        using var scratch = ScratchFolder.Create(Path.GetDirectoryName(fullOutput)!);
        using var spoolScratch = ScratchFolder.Create(options.TempDirectory);
        var temp = scratch.NewPath("layer", ".tmp");
        try
        {
            LayerWriteResult result;
            await using (var wrapped = wrapInput is null ? input : wrapInput(input))
            await using (var tar = LayerInput.OpenUncompressed(wrapped, out _))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                var spoolLimit = options.SpoolLimit ?? SpoolLimits.For(new FileInfo(inputPath).Length);
                result = await format.WriteAsync(tar, output,
                    options with { LayerName = options.LayerName ?? inputPath, TempDirectory = spoolScratch.Path, SpoolLimit = spoolLimit },
                    cancellationToken);
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                File.Move(temp, fullOutput, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(fullOutput))
            {
                throw Exists(outputPath);
            }
            return result;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"converting '{inputPath}' to '{outputPath}' failed: {e.Message}", layer: inputPath, innerException: e);
        }
    }

    private static ChunkedBuildException Exists(string path) =>
        new(ErrorCodes.InvalidOption, $"the output '{path}' already exists; it is not overwritten unless asked (--force)");

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
