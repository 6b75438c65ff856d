using System.Security.Cryptography;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// An OCI content digest in canonical form (<c>sha256:</c> + 64 lowercase hex digits).
/// Digests never cross an API boundary as strings.
/// </summary>
public readonly record struct Digest
{
    /// <summary>The only algorithm ChunkedBuild writes.</summary>
    public const string Sha256Algorithm = "sha256";

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm name, e.g. <c>sha256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex encoded hash.</summary>
    public string Hex { get; }

    /// <summary>Makes a sha256 digest from a 32-byte hash.</summary>
    public static Digest FromSha256Bytes(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32) throw new ArgumentException("A sha256 hash has 32 bytes.", nameof(hash));
        return new Digest(Sha256Algorithm, Convert.ToHexStringLower(hash));
    }

    /// <summary>Hashes <paramref name="data"/> with sha256.</summary>
    public static Digest Sha256Of(ReadOnlySpan<byte> data) => FromSha256Bytes(SHA256.HashData(data));

    /// <summary>Hashes a whole stream with sha256 (reads to the end).</summary>
    public static Digest Sha256Of(Stream stream) => FromSha256Bytes(SHA256.HashData(stream));

    /// <summary>The sha256 of no bytes at all.</summary>
    public static Digest EmptySha256 { get; } = Sha256Of(ReadOnlySpan<byte>.Empty);

    /// <summary>Parses a canonical digest string; throws <see cref="FormatException"/> when it is not one.</summary>
    public static Digest Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a digest of the form sha256:<64 lowercase hex digits>.");

    /// <summary>Parses <c>sha256:&lt;64 lowercase hex&gt;</c> (the form go-digest accepts for sha256).</summary>
    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null) return false;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var algorithm = text[..colon];
        var hex = text[(colon + 1)..];
        if (algorithm != Sha256Algorithm || hex.Length != 64) return false;
        foreach (var c in hex)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>True for a default-constructed (absent) digest.</summary>
    public bool IsEmpty => Hex is null;

    /// <summary>The canonical string form.</summary>
    public override string ToString() => IsEmpty ? "" : $"{Algorithm}:{Hex}";
}
