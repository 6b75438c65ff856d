namespace ChunkedBuild.Core.Compression;

/// <summary>What <see cref="OrderedFramePipeline"/> reports for each unit once it is written, in submission order.</summary>
/// <param name="Tag">The caller's tag given to <see cref="OrderedFramePipeline.Submit"/>.</param>
/// <param name="Input">The uncompressed input of the unit; valid only during the callback.</param>
/// <param name="Offset">Offset in the destination where the unit starts.</param>
/// <param name="CompressedLength">Length of the compressed unit.</param>
/// <param name="InputSha256">The sha256 of <paramref name="Input"/> when the submit asked for it, else null.</param>
public readonly record struct FrameWritten(object? Tag, ReadOnlyMemory<byte> Input, long Offset, long CompressedLength, byte[]? InputSha256);
