using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Transports;

/// <summary>Registry access for <see cref="ImageTransports"/>: <c>docker://</c> sources and sinks over <see cref="RegistryClient"/>s made from one set of options.</summary>
/// <param name="options">Credentials, insecure hosts, CAs, upload and retry settings (an edge passes <see cref="RegistrySettings"/> instead).</param>
public sealed class RegistryImageTransport(RegistryClientOptions options) : IRegistryTransport
{
    /// <summary>The transport an edge's registry settings (flags and environment) give.</summary>
    public RegistryImageTransport(RegistrySettings settings)
        : this(settings.ClientOptions())
    {
    }

    /// <inheritdoc />
    public IImageSource CreateSource(ImageLocation location) => RegistryTransport.CreateSource(location, options);

    /// <inheritdoc />
    /// <remarks>The tag is the reference's (<c>latest</c> when it names none); a reference pinned by digest gives no tag.</remarks>
    public IImageSink CreateSink(ImageLocation location, out string? tag)
    {
        var sink = RegistryTransport.CreateSink(location, options);
        tag = sink.Reference.Digest is null ? sink.Reference.Tag : null;
        return sink;
    }

    /// <inheritdoc />
    public RegistryClient CreateClient(bool forPush) => new(forPush ? options with { ForPush = true } : options);
}
