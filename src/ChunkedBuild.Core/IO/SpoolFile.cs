using System.Globalization;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.IO;

/// <summary>
/// A temporary file that a conversion writes decompressed layer bytes to (to reorder entries with the prioritized files first, or to keep
/// the contents startup inference reads), refusing to grow past a limit: a few kilobytes of compressed input can decompress to terabytes,
/// so every spool is bounded (CHB1203 past the limit).
/// </summary>
/// <remarks>
/// A spool is nameless (<see cref="Create"/>): on Unix its name is unlinked as soon as the file is open, so the bytes live only as long as
/// the handle and nothing is left behind however the process ends (<c>kill -9</c> included); on Windows the file is opened delete-on-close,
/// which the kernel honours when the process dies. Only a spool that must be read back after its writer closed, without holding a handle per
/// spool (one per layer would run out of descriptors on images of thousands of layers), keeps its name (<see cref="CreateNamed"/>): it lives
/// inside a <see cref="ScratchFolder"/>, which the next run removes after a kill.
/// </remarks>
public sealed class SpoolFile : Stream
{
    private readonly FileStream _file;
    private readonly long _limit;
    private readonly string _purpose;

    private SpoolFile(FileStream file, long limit, string purpose)
    {
        _file = file;
        _limit = limit;
        _purpose = purpose;
    }

    /// <summary>
    /// Creates a nameless read-write spool file in <paramref name="folder"/> that may hold at most <paramref name="limit"/> bytes;
    /// <paramref name="purpose"/> says what the bytes are for in errors (e.g. <c>reordering the entries</c>).
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB9002 when the file cannot be created.</exception>
    public static SpoolFile Create(string folder, long limit, string purpose)
    {
        var path = System.IO.Path.Combine(folder, $"chunkedbuild-spool-{Guid.NewGuid():N}.tmp");
        var options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None;
        var file = Open(path, FileShare.None, options, purpose);
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return new SpoolFile(file, limit, purpose);
    }

    /// <summary>
    /// Creates a spool file that keeps its name at <paramref name="path"/> (inside a <see cref="ScratchFolder"/>) so it can be reopened for
    /// reading after this stream is closed; it may hold at most <paramref name="limit"/> bytes.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB9002 when the file cannot be created.</exception>
    public static SpoolFile CreateNamed(string path, long limit, string purpose) =>
        new(Open(path, FileShare.Read, FileOptions.None, purpose), limit, purpose);

    private static FileStream Open(string path, FileShare share, FileOptions options, string purpose)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, share, 1 << 16, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot create the temporary file '{path}' for {purpose}: {e.Message}", innerException: e);
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Require(_file.Position + buffer.Length);
        _file.Write(buffer);
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Require(_file.Position + buffer.Length);
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Throws CHB1203 when the file would end past the limit.</summary>
    private void Require(long end)
    {
        if (end <= _limit) return;
        throw new ChunkedBuildException(ErrorCodes.SpoolLimitExceeded,
            string.Create(CultureInfo.InvariantCulture,
                $"{_purpose} needs more than the spool limit of {_limit:N0} bytes of temporary space (the layer decompresses to more than that: a decompression bomb, or a limit too low for it); " +
                $"the default is the larger of {SpoolLimits.Floor:N0} bytes and {SpoolLimits.Ratio} times the compressed layer, and --spool-limit (spoolLimit in chunked.yaml) sets it"));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => _file.Read(buffer);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _file.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _file.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    /// <inheritdoc />
    public override void SetLength(long value)
    {
        Require(value);
        _file.SetLength(value);
    }

    /// <inheritdoc />
    public override void Flush() => _file.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => _file.Length;

    /// <inheritdoc />
    public override long Position { get => _file.Position; set => _file.Position = value; }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// How much a layer conversion may spool to temporary storage (<see cref="SpoolFile"/>). Without an explicit limit: the larger of
/// <see cref="Floor"/> and <see cref="Ratio"/> times the compressed layer. Real layers decompress 2 to 10 times (rarely 50 times, for
/// zero-filled files); a layer that decompresses more than 100 times and past 1 GiB is far more likely a decompression bomb than an image,
/// and an explicit limit admits it.
/// </summary>
public static class SpoolLimits
{
    /// <summary>The limit for small layers: 1 GiB.</summary>
    public const long Floor = 1L << 30;

    /// <summary>The decompression ratio admitted above the floor.</summary>
    public const int Ratio = 100;

    /// <summary>The limit for a layer of <paramref name="compressedBytes"/>: <paramref name="explicitLimit"/> when given, else the default rule.</summary>
    public static long For(long compressedBytes, long? explicitLimit = null) =>
        explicitLimit ?? Math.Max(Floor, compressedBytes > long.MaxValue / Ratio ? long.MaxValue : compressedBytes * Ratio);
}
