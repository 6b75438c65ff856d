using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// Where converted layers are kept: the persistent converted-layer cache (<c>&lt;cache&gt;/layers/v1/&lt;key&gt;.{blob,json}</c>), or a
/// temporary folder removed on dispose when the cache is off. Entries appear atomically (written in the run's <see cref="ScratchFolder"/>
/// beside them, then renamed), so concurrent runs and interrupted runs never see half-written layers, and a dead run's partial files are
/// removed by the next run. The key covers everything the output depends on: source layer digest, format, options and tool version;
/// the options include the format's output version and its encoder (<see cref="Formats.ILayerFormat.OutputVersion"/>,
/// <see cref="Formats.ILayerFormat.EncoderIdentity"/>: eStargz bytes differ between libdeflate and zlib-ng).
/// </summary>
/// <remarks>
/// Every cached blob is checked before it is used (<see cref="TryGet"/>): its record holds the blob's <see cref="FileFingerprint"/> (inode,
/// size, mtime and ctime), which any in-place edit changes; when the fingerprint differs (or the OS has none) the blob is hashed against its
/// digest. A damaged entry is dropped and the layer converted again. Callers copy cached blobs (never link them), so nothing done to an
/// output can reach the cache.
/// </remarks>
public sealed class LayerStore : IDisposable
{
    private const string Version = "v1";
    private readonly string _folder;
    private readonly ScratchFolder _scratch;
    private readonly bool _temporary;

    private LayerStore(string folder, ScratchFolder scratch, bool temporary)
    {
        _folder = folder;
        _scratch = scratch;
        _temporary = temporary;
    }

    /// <summary>A persistent cache under <paramref name="cacheDirectory"/>.</summary>
    public static LayerStore Persistent(string cacheDirectory)
    {
        var folder = Path.Combine(Path.GetFullPath(cacheDirectory), "layers", Version);
        return new LayerStore(folder, ScratchFolder.Create(folder), temporary: false);
    }

    /// <summary>A throw-away store in a new scratch folder (under <paramref name="tempDirectory"/> when given, else the system's temp folder).</summary>
    public static LayerStore Temporary(string tempDirectory)
    {
        var scratch = ScratchFolder.Create(tempDirectory);
        return new LayerStore(scratch.Path, scratch, temporary: true);
    }

    /// <summary>Whether this store outlives the run.</summary>
    public bool IsPersistent => !_temporary;

    /// <summary>The cache key of a conversion (hex sha256 over a canonical description of its inputs).</summary>
    public static string Key(Digest sourceLayer, string format, string canonicalOptions, string toolVersion)
    {
        var text = $"chunkedbuild-layer/{Version}\nsource={sourceLayer}\nformat={format}\noptions={canonicalOptions}\ntool={toolVersion}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// The cached entry of <paramref name="key"/>, checked: null when absent, unreadable or damaged. A damaged entry (its blob no longer
    /// hashes to its digest) is removed and reported to <paramref name="damaged"/>.
    /// </summary>
    public CachedLayer? TryGet(string key, Action<string>? damaged = null)
    {
        if (_temporary) return null;
        var json = JsonPath(key);
        if (!File.Exists(json)) return null;
        LayerCacheRecord record;
        try
        {
            record = OciJson.Parse<LayerCacheRecord>(File.ReadAllBytes(json), CachingJson.Options);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (record.Descriptor is not { } descriptor) return new CachedLayer(record, null, null);

        var blob = BlobPath(key);
        var fingerprint = FileFingerprint.Of(blob);
        if (fingerprint is not null && fingerprint == record.Fingerprint) return new CachedLayer(record, blob, fingerprint);
        if (!File.Exists(blob)) return null;

        // No fingerprint, or a different one (edited, replaced, copied from elsewhere): the content decides.
        var problem = ContentProblem(blob, descriptor);
        var after = FileFingerprint.Of(blob);
        if (problem is null && after == fingerprint)
        {
            if (after is not null) WriteRecord(key, record with { Fingerprint = after });
            return new CachedLayer(record, blob, after);
        }
        damaged?.Invoke($"the converted-layer cache entry {key} ({blob}) {problem ?? "changed while it was checked"}; it is dropped and the layer converted again");
        Drop(key, blob, after);
        return null;
    }

    /// <summary>A fresh temporary file path in the run's scratch folder beside the entries, for a conversion to write into.</summary>
    public string NewTempFile() => _scratch.NewPath("blob", ".tmp");

    /// <summary>Moves a finished blob into place and writes its record; returns the entry.</summary>
    public CachedLayer Put(string key, string tempBlob, LayerCacheRecord record)
    {
        var blob = BlobPath(key);
        File.Move(tempBlob, blob, overwrite: true);
        var stored = record with { Fingerprint = FileFingerprint.Of(blob) };
        WriteRecord(key, stored);
        return new CachedLayer(stored, blob, stored.Fingerprint);
    }

    /// <summary>Records a refusal (no blob).</summary>
    public void PutRefusal(string key, LayerCacheRecord record) => WriteRecord(key, record);

    private void WriteRecord(string key, LayerCacheRecord record)
    {
        if (_temporary) return;
        var temp = NewTempFile();
        File.WriteAllBytes(temp, OciJson.Serialize(record, CachingJson.Options));
        File.Move(temp, JsonPath(key), overwrite: true);
    }

    /// <summary>Why <paramref name="blob"/> is not the blob <paramref name="descriptor"/> names, or null when it is.</summary>
    private static string? ContentProblem(string blob, Descriptor descriptor)
    {
        try
        {
            using var stream = new FileStream(blob, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length != descriptor.Size) return $"has {stream.Length} bytes, its descriptor says {descriptor.Size}";
            var actual = Digest.FromSha256Bytes(SHA256.HashData(stream));
            return actual == descriptor.Digest ? null : $"hashes to {actual}, its descriptor says {descriptor.Digest}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message})";
        }
    }

    /// <summary>Removes an entry; the blob only while it is still the file that was checked (a concurrent run may have just replaced it).</summary>
    private void Drop(string key, string blob, string? checkedFingerprint)
    {
        try
        {
            File.Delete(JsonPath(key));
            if (checkedFingerprint is null || FileFingerprint.Of(blob) == checkedFingerprint) File.Delete(blob);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The entry stays unusable (every use checks it) until a conversion replaces it.
        }
    }

    /// <summary>A cached prioritization plan, or null.</summary>
    public PrioritizationPlan? TryGetPlan(string key)
    {
        if (_temporary) return null;
        var path = Path.Combine(_folder, key + ".plan.json");
        try
        {
            return File.Exists(path) ? OciJson.Parse<PrioritizationPlan>(File.ReadAllBytes(path), CachingJson.Options) : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Caches a prioritization plan.</summary>
    public void PutPlan(string key, PrioritizationPlan plan)
    {
        if (_temporary) return;
        var temp = NewTempFile();
        File.WriteAllBytes(temp, OciJson.Serialize(plan, CachingJson.Options));
        File.Move(temp, Path.Combine(_folder, key + ".plan.json"), overwrite: true);
    }

    private string BlobPath(string key) => Path.Combine(_folder, key + ".blob");

    private string JsonPath(string key) => Path.Combine(_folder, key + ".json");

    /// <summary>
    /// The default cache folder: <c>$XDG_CACHE_HOME/chunkedbuild</c>, else <c>~/.cache/chunkedbuild</c>, else (no <c>HOME</c>)
    /// <c>chunkedbuild</c> in <paramref name="localAppData"/>, the application-data folder the edge resolved.
    /// </summary>
    public static string DefaultDirectory(Func<string, string?> environment, string localAppData)
    {
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "chunkedbuild");
        var home = environment("HOME");
        return string.IsNullOrEmpty(home) ? Path.Combine(localAppData, "chunkedbuild") : Path.Combine(home, ".cache", "chunkedbuild");
    }

    /// <summary>Removes the run's scratch folder (for a temporary store: every layer it held).</summary>
    public void Dispose() => _scratch.Dispose();
}

/// <summary>A converted-layer cache entry, checked: its record, and for a converted layer its blob file and that file's fingerprint.</summary>
/// <param name="Record">The record.</param>
/// <param name="BlobPath">The blob file (null for a refusal).</param>
/// <param name="Fingerprint">The blob's <see cref="FileFingerprint"/> when checked (null: none on this OS; copies are hashed instead).</param>
public sealed record CachedLayer(LayerCacheRecord Record, string? BlobPath, string? Fingerprint);
