using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports;

/// <summary>Opens registry (<c>docker://</c>) locations; supplied by the edge that knows the user's credentials and TLS settings.</summary>
public interface IRegistryTransport
{
    /// <summary>A source reading <paramref name="location"/>.</summary>
    IImageSource CreateSource(ImageLocation location);

    /// <summary>A sink pushing to <paramref name="location"/>; <paramref name="tag"/> receives the tag the reference names, if any.</summary>
    IImageSink CreateSink(ImageLocation location, out string? tag);

    /// <summary>
    /// A registry client made with the same options (credentials, TLS, retries), for reading and writing registry caches; with
    /// <paramref name="forPush"/> every request uses push credentials. The caller disposes it.
    /// </summary>
    Registry.RegistryClient CreateClient(bool forPush);
}
