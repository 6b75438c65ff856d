using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using Microsoft.Build.Framework;

namespace ChunkedBuild.Tasks;

/// <summary>
/// Converts one layer blob (tar, gzip or zstd) into zstd:chunked or eStargz. The building block of the container-step
/// integration; errors surface as MSBuild errors carrying their CHB code. Like any build output, an existing <see cref="Output"/> is replaced;
/// a cancelled build (Ctrl+C) stops the conversion and leaves the earlier output as it was.
/// </summary>
public sealed class ConvertChunkedLayer : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The layer blob to convert.</summary>
    [Required] public string Input { get; set; } = "";

    /// <summary>Where the converted blob is written (atomically).</summary>
    [Required] public string Output { get; set; } = "";

    /// <summary><c>zstd-chunked</c> (default) or <c>estargz</c>.</summary>
    public string Format { get; set; } = LayerFormats.Default.Name;

    /// <summary>Compression level; empty = the format's default.</summary>
    public string? Level { get; set; }

    /// <summary>The converted layer's digest.</summary>
    [Output] public string Digest { get; private set; } = "";

    /// <summary>The converted layer's TOC digest.</summary>
    [Output] public string TocDigest { get; private set; } = "";

    /// <inheritdoc />
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            var format = ConversionSettings.Format(new(nameof(Format), Format));
            var level = ConversionSettings.Level(new(nameof(Level), Level));
            if (level is { } given) ConversionSettings.CheckLevel(nameof(Level), format, given);
            var options = TaskHost.Read().FormatOptions() with { Level = level, LayerName = Input };
            var result = LayerFileConverter.ConvertAsync(Input, Output, format, options, _cancel.Token, overwrite: true).GetAwaiter().GetResult();
            Digest = result.Digest.ToString();
            TocDigest = result.TocDigest.ToString();
            Log.LogMessage(MessageImportance.Normal, $"{Input}: {format.Name} {result.Digest} ({result.Size} bytes, TOC {result.TocDigest})");
            return true;
        }
        catch (Exception) when (_cancel.IsCancellationRequested)
        {
            Log.LogError($"ChunkedBuild: the conversion of {Input} was cancelled");
            return false;
        }
        catch (ChunkedBuildException e)
        {
            Log.LogError(subcategory: null, errorCode: e.Code, helpKeyword: null, file: Input, lineNumber: 0, columnNumber: 0,
                endLineNumber: 0, endColumnNumber: 0, message: e.Message);
            return false;
        }
    }
}
