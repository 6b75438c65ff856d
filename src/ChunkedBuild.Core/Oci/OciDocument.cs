namespace ChunkedBuild.Core.Oci;

/// <summary>
/// A parsed OCI document together with the exact bytes it was read from. The digest is always computed over those
/// raw bytes (never over a re-serialization, which could differ in escaping or key order).
/// </summary>
/// <typeparam name="T">The document type (<see cref="Manifest"/>, <see cref="ImageIndex"/>…).</typeparam>
public sealed class OciDocument<T>
{
    private OciDocument(T value, byte[] raw)
    {
        Value = value;
        Raw = raw;
        Digest = Digest.Sha256Of(raw);
    }

    /// <summary>The parsed value.</summary>
    public T Value { get; }
    /// <summary>The bytes as read (or as written, for a new document).</summary>
    public ReadOnlyMemory<byte> Raw { get; }
    /// <summary>sha256 of <see cref="Raw"/>.</summary>
    public Digest Digest { get; }
    /// <summary>Length of <see cref="Raw"/>.</summary>
    public long Size => Raw.Length;

    /// <summary>Parses <paramref name="raw"/> and keeps it; JSON without the shape of <typeparamref name="T"/> is a <see cref="System.Text.Json.JsonException"/>.</summary>
    public static OciDocument<T> Parse(byte[] raw) => new(OciJson.Parse<T>(raw), raw);

    /// <summary>Parses the document called <paramref name="documentName"/> and keeps it; anything but valid JSON of its shape is CHB2005 (<see cref="OciJson.ParseDocument{T}(ReadOnlyMemory{byte}, string)"/>).</summary>
    public static OciDocument<T> Parse(byte[] raw, string documentName) => new(OciJson.ParseDocument<T>(raw, documentName), raw);

    /// <summary>Serializes a new document.</summary>
    public static OciDocument<T> Create(T value) => new(value, OciJson.Serialize(value));

    /// <summary>A descriptor of this document with <paramref name="mediaType"/>.</summary>
    public Descriptor Describe(string mediaType, Platform? platform = null, IReadOnlyDictionary<string, string>? annotations = null) =>
        new() { MediaType = mediaType, Digest = Digest, Size = Size, Platform = platform, Annotations = annotations };
}
