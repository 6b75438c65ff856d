using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>A response body that disposes its response with it.</summary>
internal sealed class ResponseOwningStream(Stream body, HttpResponseMessage response) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => body.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => body.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        body.ReadAsync(buffer, offset, count, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
