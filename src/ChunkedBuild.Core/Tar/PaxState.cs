using System.Text;

namespace ChunkedBuild.Core.Tar;

/// <summary>Extension records collected from PAX 'x' and GNU 'L'/'K' headers, applied to the next real header.</summary>
internal sealed class PaxState
{
    /// <summary>PAX records by key (the last occurrence wins, as in Go), in first-seen order.</summary>
    public List<(string Key, byte[] KeyBytes, byte[] Value)> Records { get; } = [];

    /// <summary>GNU 'L' long name, NUL-trimmed.</summary>
    public byte[]? GnuLongName { get; set; }

    /// <summary>GNU 'K' long link name, NUL-trimmed.</summary>
    public byte[]? GnuLongLink { get; set; }

    /// <summary>True when any extension is waiting for its entry.</summary>
    public bool HasAny => Records.Count > 0 || GnuLongName is not null || GnuLongLink is not null;

    /// <summary>Adds the records of one extended header.</summary>
    public void Merge(List<(byte[] Key, byte[] Value)> records)
    {
        foreach (var (keyBytes, value) in records)
        {
            var key = Encoding.UTF8.GetString(keyBytes);
            var existing = Records.FindIndex(r => r.KeyBytes.AsSpan().SequenceEqual(keyBytes));
            if (existing >= 0) Records[existing] = (key, keyBytes, value);
            else Records.Add((key, keyBytes, value));
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public byte[]? Get(string key)
    {
        foreach (var r in Records)
        {
            if (r.Key == key) return r.Value;
        }
        return null;
    }
}
