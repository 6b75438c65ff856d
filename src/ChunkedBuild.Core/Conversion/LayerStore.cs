using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Where converted layers are kept: the persistent converted-layer cache (<c>&lt;cache&gt;/layers/v1/&lt;key&gt;.{blob,json}</c>), or a
/// temporary folder removed on dispose when the cache is off. Entries appear atomically (temp file + rename), so concurrent runs and
/// interrupted runs never see half-written layers. The key covers everything the output depends on: source layer digest, format,
/// options and tool version.
/// </summary>
public sealed class LayerStore : IDisposable
{
    private const string Version = "v1";
    private readonly string _folder;
    private readonly bool _temporary;

    private LayerStore(string folder, bool temporary)
    {
        _folder = folder;
        _temporary = temporary;
        Directory.CreateDirectory(folder);
    }

    /// <summary>A persistent cache under <paramref name="cacheDirectory"/>.</summary>
    public static LayerStore Persistent(string cacheDirectory) => new(Path.Combine(Path.GetFullPath(cacheDirectory), "layers", Version), temporary: false);

    /// <summary>A throw-away store in a new temporary folder (under <paramref name="tempDirectory"/> when given).</summary>
    public static LayerStore Temporary(string? tempDirectory)
    {
        var parent = tempDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        return new(Path.Combine(parent, $"chunkedbuild-{Guid.NewGuid():N}"), temporary: true);
    }

    /// <summary>Whether this store outlives the run.</summary>
    public bool IsPersistent => !_temporary;

    /// <summary>The cache key of a conversion (hex sha256 over a canonical description of its inputs).</summary>
    public static string Key(Digest sourceLayer, string format, string canonicalOptions, string toolVersion)
    {
        var text = $"chunkedbuild-layer/{Version}\nsource={sourceLayer}\nformat={format}\noptions={canonicalOptions}\ntool={toolVersion}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cached record and blob path of <paramref name="key"/>, or null when absent (or damaged).</summary>
    public (LayerCacheRecord Record, string? BlobPath)? TryGet(string key)
    {
        if (_temporary) return null;
        var json = JsonPath(key);
        if (!File.Exists(json)) return null;
        LayerCacheRecord record;
        try
        {
            record = OciJson.Parse<LayerCacheRecord>(File.ReadAllBytes(json));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            return null;
        }
        if (record.Descriptor is null) return (record, null);
        var blob = BlobPath(key);
        return File.Exists(blob) && new FileInfo(blob).Length == record.Descriptor.Size ? (record, blob) : null;
    }

    /// <summary>A fresh temporary file path in the store's folder, for a conversion to write into.</summary>
    public string NewTempFile() => Path.Combine(_folder, $".{Guid.NewGuid():N}.tmp");

    /// <summary>Moves a finished blob into place and writes its record; returns the blob's final path.</summary>
    public string Put(string key, string tempBlob, LayerCacheRecord record)
    {
        var blob = BlobPath(key);
        File.Move(tempBlob, blob, overwrite: true);
        WriteRecord(key, record);
        return blob;
    }

    /// <summary>Records a refusal (no blob).</summary>
    public void PutRefusal(string key, LayerCacheRecord record) => WriteRecord(key, record);

    private void WriteRecord(string key, LayerCacheRecord record)
    {
        if (_temporary) return;
        var temp = NewTempFile();
        File.WriteAllBytes(temp, OciJson.Serialize(record));
        File.Move(temp, JsonPath(key), overwrite: true);
    }

    /// <summary>A cached prioritization plan, or null.</summary>
    public PrioritizationPlan? TryGetPlan(string key)
    {
        if (_temporary) return null;
        var path = Path.Combine(_folder, key + ".plan.json");
        try
        {
            return File.Exists(path) ? OciJson.Parse<PrioritizationPlan>(File.ReadAllBytes(path)) : null;
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
        File.WriteAllBytes(temp, OciJson.Serialize(plan));
        File.Move(temp, Path.Combine(_folder, key + ".plan.json"), overwrite: true);
    }

    private string BlobPath(string key) => Path.Combine(_folder, key + ".blob");

    private string JsonPath(string key) => Path.Combine(_folder, key + ".json");

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME/chunkedbuild</c>, else <c>~/.cache/chunkedbuild</c>.</summary>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "chunkedbuild");
        var home = environment("HOME");
        return string.IsNullOrEmpty(home)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "chunkedbuild")
            : Path.Combine(home, ".cache", "chunkedbuild");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_temporary) return;
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: a temp folder left behind is harmless, and Dispose must not throw */ }
    }
}
