using System.Globalization;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ChunkedBuild.Tasks;

/// <summary>
/// Reports a conversion through MSBuild's logger: one normal-importance line per layer and variant (what happened, the new digest and
/// size), warnings with their CHB code, and informational messages at low importance. Calls may come from several threads at once.
/// </summary>
public sealed class TaskConversionObserver(TaskLoggingHelper log, string file) : IConversionObserver
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void LayerFinished(LayerWork work, ConvertedLayer layer)
    {
        var outcome = layer.Outcome switch
        {
            LayerOutcome.Converted => "converted",
            LayerOutcome.Cached => "reused from the cache",
            LayerOutcome.RegistryCached => "reused from a registry cache",
            LayerOutcome.AlreadyInFormat => "already in format",
            LayerOutcome.Kept => "kept in its original compression",
            _ => "original",
        };
        var line = string.Create(CultureInfo.InvariantCulture,
            $"ChunkedBuild: layer {work.ShortName} {work.Variant.Name()}: {outcome} → {layer.Descriptor.Digest} ({layer.Descriptor.Size} bytes, was {work.Source.Size})");
        lock (_gate) log.LogMessage(MessageImportance.Normal, line);
    }

    /// <inheritdoc />
    public void Warning(string code, string message)
    {
        lock (_gate)
        {
            log.LogWarning(subcategory: null, warningCode: code, helpKeyword: null, file: file, lineNumber: 0, columnNumber: 0,
                endLineNumber: 0, endColumnNumber: 0, message: message);
        }
    }

    /// <inheritdoc />
    public void Info(string message)
    {
        lock (_gate) log.LogMessage(MessageImportance.Low, "ChunkedBuild: " + message);
    }
}
