using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// Where converted layers are shared through registries (docs/registry-cache.md): looked up before converting, recorded after.
/// </summary>
public sealed record RegistryCacheOptions
{
    /// <summary>The tag a cache reference gets when it names none.</summary>
    public const string DefaultTag = "chunkedbuild-cache";

    /// <summary>False turns the registry cache off (<c>--no-registry-cache</c>): nothing is looked up or recorded.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The cache new conversions are recorded in (and looked up first): <c>[docker://]registry/repository[:tag]</c>; null: the destination's
    /// repository (tag <see cref="DefaultTag"/>) when the destination is a registry, else none.
    /// </summary>
    public string? CacheTo { get; init; }

    /// <summary>More caches to look conversions up in (read only), after <see cref="CacheTo"/>, in order; they may name other repositories and registries.</summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];

    /// <summary>
    /// The reference a cache option names: <c>docker://</c> optional, <see cref="DefaultTag"/> when it names neither a tag nor a digest. A
    /// reference to write to must name a tag.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB4001 for a malformed reference; CHB9001 for a digest where a tag is written.</exception>
    public static ImageReference Reference(string text, string option, bool forWriting)
    {
        var bare = text.StartsWith("docker://", StringComparison.Ordinal) ? text["docker://".Length..] : text;
        var name = bare[(bare.LastIndexOf('/') + 1)..];
        if (!name.Contains(':', StringComparison.Ordinal) && !name.Contains('@', StringComparison.Ordinal)) bare += ":" + DefaultTag;
        var reference = ImageReference.Parse(bare);
        if (forWriting && reference.Digest is not null)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{option} '{Redaction.Reference(text)}' names a digest; a cache is written under a tag");
        return reference;
    }
}
