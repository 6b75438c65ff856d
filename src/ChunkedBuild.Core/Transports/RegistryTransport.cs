using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Transports;

/// <summary>Creates registry sources and sinks for <c>docker://</c> locations.</summary>
public static class RegistryTransport
{
    /// <summary>A source for <paramref name="location"/> (kind <see cref="TransportKind.Registry"/>), with its own client.</summary>
    public static RegistryImageSource CreateSource(ImageLocation location, RegistryClientOptions options) =>
        new(new RegistryClient(options), ReferenceOf(location), ownsClient: true);

    /// <summary>A sink for <paramref name="location"/> (kind <see cref="TransportKind.Registry"/>), with its own client made for pushing.</summary>
    public static RegistryImageSink CreateSink(ImageLocation location, RegistryClientOptions options) => new(options, ReferenceOf(location));

    /// <summary>The image reference of a <c>docker://</c> location.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for another kind of location, CHB4001 for a malformed reference.</exception>
    public static ImageReference ReferenceOf(ImageLocation location) =>
        location.Kind == TransportKind.Registry ? ImageReference.Parse(location.Path)
        : throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{location}' is not a registry location (docker://…)");
}
