using System.Globalization;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ChunkedBuild.Tasks;

/// <summary>
/// Converts the image the SDK's <c>PublishContainer</c> wrote as an archive into lazily pullable variants, and either replaces the archive
/// with an OCI archive of the result or pushes the result to <see cref="Registry"/>. Run by <c>build/ChunkedBuild.Tasks.targets</c>; the
/// logic is <see cref="ContainerConversion"/>. Errors and warnings carry their CHB code.
/// </summary>
public sealed class ConvertContainerImage : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary><c>$(ContainerArchiveOutputPath)</c> as the SDK got it: a file, or a folder holding <c>&lt;repository&gt;.tar.gz</c>.</summary>
    [Required] public string ArchiveOutputPath { get; set; } = "";

    /// <summary><c>$(ContainerRepository)</c>.</summary>
    [Required] public string Repository { get; set; } = "";

    /// <summary><c>@(ContainerImageTags)</c>: the tags to write (empty → the archive's own tags).</summary>
    public ITaskItem[] ImageTags { get; set; } = [];

    /// <summary>The registry to push to (<c>host[:port]</c>); empty → convert the archive in place.</summary>
    public string? Registry { get; set; }

    /// <summary>The folder relative paths are resolved against (the project's folder).</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary><c>$(ChunkedVariants)</c>: <c>estargz</c>, <c>zstd-chunked</c>, <c>original</c>, separated by <c>;</c> or <c>,</c>.</summary>
    public string Variants { get; set; } = "estargz;zstd-chunked";

    /// <summary><c>$(ChunkedKeepOriginal)</c>: also publish the <c>original</c> variant (the SDK's gzip layers in an OCI manifest).</summary>
    public bool KeepOriginal { get; set; }

    /// <summary><c>$(ChunkedPublish)</c>: <c>index</c> (one index per tag) or <c>tags</c> (one tag per variant).</summary>
    public string Publish { get; set; } = "index";

    /// <summary><c>$(ChunkedCompressionLevel)</c>: the level for every format (zstd 1–22, gzip 0–9); empty → each format's default.</summary>
    public string? CompressionLevel { get; set; }

    /// <summary>
    /// <c>$(ChunkedPrioritizationFile)</c>: the files an eStargz layer puts first: a prioritization manifest (YAML) or, with
    /// <see cref="Prioritization"/> <c>record</c>, an access record. Empty → inferred for .NET apps.
    /// </summary>
    public string? PrioritizationFile { get; set; }

    /// <summary><c>$(ChunkedPrioritization)</c>: <c>auto</c> (default; <c>manifest</c> when a file is given), <c>none</c>, <c>manifest</c> or <c>record</c>.</summary>
    public string? Prioritization { get; set; }

    /// <summary>
    /// <c>$(ChunkedSparse)</c>: <c>densify</c> (default: sparse files become regular files, such a layer gets a new DiffID) or <c>refuse</c>
    /// (such a layer stays in its original compression with warning CHB1102).
    /// </summary>
    public string? Sparse { get; set; }

    /// <summary><c>$(ChunkedCacheDirectory)</c>: the converted-layer cache (empty → <c>$XDG_CACHE_HOME/chunkedbuild</c> or <c>~/.cache/chunkedbuild</c>; <c>none</c> → no cache).</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// <c>$(ChunkedRegistryCache)</c>: <c>true</c> (default) shares conversions through registries: looked up before converting, recorded in
    /// the push destination's repository (tag <c>chunkedbuild-cache</c>) or <see cref="CacheTo"/>; <c>false</c> turns it off.
    /// </summary>
    public string? RegistryCache { get; set; }

    /// <summary><c>$(ChunkedCacheTo)</c>: the registry cache conversions are recorded in (<c>registry/repo[:tag]</c>); empty → the push destination's repository.</summary>
    public string? CacheTo { get; set; }

    /// <summary><c>$(ChunkedCacheFrom)</c>: more registry caches to reuse conversions from, separated by <c>;</c> or <c>,</c>.</summary>
    public string? CacheFrom { get; set; }

    /// <summary>One item per tag written, its identity the pullable reference; metadata <c>Reference</c>, <c>Tag</c>, <c>Digest</c>, <c>Variant</c>, <c>MediaType</c>.</summary>
    [Output] public ITaskItem[] ChunkedImage { get; private set; } = [];

    /// <inheritdoc />
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        var projectDirectory = string.IsNullOrEmpty(ProjectDirectory) ? Directory.GetCurrentDirectory() : ProjectDirectory;
        var archive = ContainerArchivePath.Resolve(ArchiveOutputPath, Repository, projectDirectory);
        try
        {
            var host = TaskHost.Read();
            var settings = new ContainerConversionSettings
            {
                ArchivePath = archive,
                Repository = Repository,
                Tags = [.. ImageTags.Select(t => t.ItemSpec).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)],
                Registry = string.IsNullOrWhiteSpace(Registry) ? null : Registry.Trim(),
                Request = BuildRequest(projectDirectory, host),
            };
            var destination = settings.Registry is null ? archive : $"{settings.Registry}/{Repository}";
            Log.LogMessage(MessageImportance.Normal, $"ChunkedBuild: converting {archive} to {string.Join(", ", settings.Request.Variants.Select(v => v.Name()))} → {destination}");
            var (result, images) = ContainerConversion.RunAsync(settings, new TaskConversionObserver(Log, archive), RegistryAccess.Create(host),
                host.SourceDateEpoch, _cancel.Token).GetAwaiter().GetResult();

            foreach (var v in result.Variants)
            {
                Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                    $"ChunkedBuild: {v.Variant.Name()}: {v.Manifests.Count} platform(s), converted {v.Converted}, reused {v.Reused}, kept {v.Kept}; {v.LayerBytes} bytes of layers (original {v.OriginalLayerBytes})"));
            }
            foreach (var (variant, layer) in result.Variants.SelectMany(v => v.Manifests.SelectMany(m => m.Layers).DistinctBy(l => l.Descriptor.Digest)
                         .Where(l => l.DensifiedEntries.Count > 0).Select(l => (v.Variant, l))))
            {
                Log.LogMessage(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture,
                    $"ChunkedBuild: {variant.Name()} layer {layer.Descriptor.Digest}: sparse files written as regular files (new DiffID): {string.Join(", ", layer.DensifiedEntries.Select(d => d.Name))}"));
            }
            if (result.RegistryCache is { } cache)
            {
                Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                    $"ChunkedBuild: registry cache: {cache.Hits} hit(s), {cache.Misses} miss(es), {cache.Rejected} rejected, {cache.BytesSaved} bytes of converted layers reused; " +
                    $"looked in {string.Join(", ", cache.LookedUp)}{(cache.RecordedTo is { } to ? $"; recorded {cache.Recorded} new in {to}" : "")}"));
            }
            if (result.RegistryCheck is { } check)
            {
                // The variants whose pulls will not work are CHB4011 warnings already; this line gives the whole verdict.
                Log.LogMessage(MessageImportance.High, $"ChunkedBuild: registry check of {check.Ranges.Repository}: " +
                    string.Join("; ", check.Variants.Select(v => $"{v.Variant.Name()} {v.Pull} pulls {(v.Works ? "will work" : "will NOT work")} ({v.Reason})")));
            }
            foreach (var image in images)
                Log.LogMessage(MessageImportance.High, $"ChunkedBuild: {image.Reference} → {image.Digest} ({image.Variant})");
            ChunkedImage = [.. images.Select(ToItem)];
            return !Log.HasLoggedErrors;
        }
        catch (Exception) when (_cancel.IsCancellationRequested)
        {
            // Whatever the conversion threw while unwinding from the cancellation: the archive is as it was, nothing partial is left.
            Log.LogError("ChunkedBuild: the conversion was cancelled");
            return false;
        }
        catch (ChunkedBuildException e)
        {
            Log.LogError(subcategory: null, errorCode: e.Code, helpKeyword: null, file: archive, lineNumber: 0, columnNumber: 0,
                endLineNumber: 0, endColumnNumber: 0, message: "ChunkedBuild: " + e.Message);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError(subcategory: null, errorCode: ErrorCodes.IoError, helpKeyword: null, file: archive, lineNumber: 0, columnNumber: 0,
                endLineNumber: 0, endColumnNumber: 0, message: $"ChunkedBuild: {Redaction.Text(e.Message)}");
            return false;
        }
    }

    /// <summary>The properties, each under its MSBuild name, through Core's rules (<see cref="ConversionOptions"/>).</summary>
    private ConversionRequest BuildRequest(string projectDirectory, HostEnvironment host) => new ConversionOptions
    {
        Variants = new("ChunkedVariants", Variants + (KeepOriginal ? ",original" : "")),
        Publish = new("ChunkedPublish", Publish),
        Level = new("ChunkedCompressionLevel", CompressionLevel),
        Prioritization = new("ChunkedPrioritization", Prioritization),
        PrioritizationFile = new("ChunkedPrioritizationFile", PrioritizationFile),
        Sparse = new("ChunkedSparse", Sparse),
        CacheDirectory = new("ChunkedCacheDirectory", CacheDirectory),
        RegistryCache = new("ChunkedRegistryCache", RegistryCache),
        CacheTo = new("ChunkedCacheTo", CacheTo),
        CacheFrom = new("ChunkedCacheFrom", CacheFrom),
    }.ToRequest(host, projectDirectory);

    private static TaskItem ToItem(PublishedChunkedImage image)
    {
        var item = new TaskItem(image.Reference);
        item.SetMetadata("Reference", image.Reference);
        item.SetMetadata("Tag", image.Tag);
        item.SetMetadata("Digest", image.Digest);
        item.SetMetadata("Variant", image.Variant);
        item.SetMetadata("MediaType", image.MediaType);
        return item;
    }
}
