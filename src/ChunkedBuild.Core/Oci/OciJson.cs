using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// JSON settings for OCI documents ChunkedBuild writes: compact, nulls omitted, '+' and '&lt;' left unescaped (media
/// types stay readable; the SDK's <c>\u002B</c> escapes are read fine). Documents read from elsewhere keep their raw
/// bytes (<see cref="OciDocument{T}"/>), so re-serializing never changes a digest by accident.
/// </summary>
/// <remarks>
/// Every JSON document ChunkedBuild reads into a model (manifests, indexes, configs, a docker archive's <c>manifest.json</c>, its own
/// cache records) goes through <see cref="Parse{T}(ReadOnlyMemory{byte})"/> or <see cref="ParseDocument{T}(ReadOnlyMemory{byte}, string)"/>: the syntax is checked, then the shape the model
/// declares (<see cref="JsonShape"/>: no <c>null</c> where an array or object is expected, no wrong types, required members present),
/// and only then is the value deserialized. Code that uses a parsed document can therefore rely on its non-nullable members.
/// </remarks>
public static class OciJson
{
    /// <summary>How deep JSON documents may nest (OCI documents nest 4 levels; System.Text.Json's default is 64).</summary>
    public const int MaxDepth = 64;

    /// <summary>The options for every OCI document type.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new DigestJsonConverter() },
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
        TypeInfoResolver = OciJsonContext.Default,
        AllowDuplicateProperties = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth, AllowDuplicateProperties = false,
    };

    /// <summary>
    /// Parses <paramref name="json"/> as <typeparamref name="T"/>; malformed JSON (not UTF-8, a syntax error, a member named twice, data after
    /// the document), or JSON without the shape of <typeparamref name="T"/> (<see cref="JsonShape"/>), is a <see cref="JsonException"/> whose
    /// message is <c>path: rule</c>.
    /// </summary>
    /// <remarks>
    /// A member named twice is refused because readers disagree on it (Go keeps the last, others the first): a document that means two
    /// things to two tools is not one ChunkedBuild converts.
    /// </remarks>
    public static T Parse<T>(ReadOnlyMemory<byte> json) => Parse<T>(json, Options);

    /// <summary>
    /// <see cref="Parse{T}(ReadOnlyMemory{byte})"/> for a document model of another area, under options made by <see cref="With"/>.
    /// </summary>
    public static T Parse<T>(ReadOnlyMemory<byte> json, JsonSerializerOptions options)
    {
        if (!Utf8.IsValid(json.Span)) throw new JsonException("$: not valid JSON: the text is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new JsonException($"$: not valid JSON{JsonSyntax.Where(e)}{(e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? ": a member is named twice in one object" : "")}", e);
        }
        using (document)
        {
            try
            {
                if (JsonShape.Check(document.RootElement, typeof(T), options) is { } violation) throw new JsonException(violation.ToString());
                return document.RootElement.Deserialize((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T))) ?? throw new JsonException("$: null where a document is expected");
            }
            catch (InvalidOperationException e)
            {
                // A string escape that decodes to invalid UTF-16 (a lone surrogate such as \ud800).
                throw new JsonException("$: not valid JSON: a string holds an escape that is not valid Unicode", e);
            }
        }
    }

    /// <summary>
    /// Parses the document called <paramref name="documentName"/> (e.g. <c>index sha256:… in oci:/dir</c>) as <typeparamref name="T"/>;
    /// anything but valid JSON of that shape is a CHB2005 error naming the document, the JSON path and the rule.
    /// </summary>
    public static T ParseDocument<T>(ReadOnlyMemory<byte> json, string documentName) => ParseDocument<T>(json, documentName, Options);

    /// <summary><see cref="ParseDocument{T}(ReadOnlyMemory{byte}, string)"/> for a document model of another area (options from <see cref="With"/>).</summary>
    public static T ParseDocument<T>(ReadOnlyMemory<byte> json, string documentName, JsonSerializerOptions options)
    {
        try
        {
            return Parse<T>(json, options);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{documentName} is not a valid {KindName(typeof(T))}: {e.Message}", innerException: e);
        }
    }

    /// <summary>Serializes <paramref name="value"/> compactly.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>Serializes <paramref name="value"/>, a document model of another area, compactly under options made by <see cref="With"/>.</summary>
    public static byte[] Serialize<T>(T value, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));

    /// <summary>
    /// <see cref="Options"/> for the document models of another area: the same settings, with <paramref name="areaContext"/> (that area's
    /// source-generated contracts) in front of the OCI ones. Each area keeps its own models' contracts, so Oci names no other area.
    /// </summary>
    public static JsonSerializerOptions With(IJsonTypeInfoResolver areaContext) =>
        new(Options) { TypeInfoResolver = JsonTypeInfoResolver.Combine(areaContext, OciJsonContext.Default) };

    /// <summary>
    /// The contract of document model <typeparamref name="T"/> under <see cref="Options"/>; a type <see cref="OciJsonContext"/> does not
    /// list is a <see cref="NotSupportedException"/> (a programming error: the list is where a document model is added).
    /// </summary>
    internal static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>What a document model is called in messages.</summary>
    private static string KindName(Type type) =>
        type == typeof(Manifest) ? "image manifest"
        : type == typeof(ImageIndex) ? "image index"
        : type.IsGenericType ? $"list of {type.GetGenericArguments()[0].Name}"
        : type.Name;
}
