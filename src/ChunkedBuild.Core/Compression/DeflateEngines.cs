using System.Buffers;
using System.Security.Cryptography;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Chooses the deflate engine of gzip members: libdeflate when the system has it (faster and smaller), else the zlib-ng
/// inside the .NET runtime. The two write different (equally valid) bytes, and so can two versions of either, so the
/// engine is part of what a conversion's output depends on: <see cref="Identity"/> names it together with a fingerprint
/// of its output, and that goes into the converted-layer cache key. <c>FormatOptions.DeflateEngine</c> pins the engine (the edges set
/// it from <c>CHUNKEDBUILD_DEFLATE=zlib-ng</c> or <c>libdeflate</c>), e.g. to get the same eStargz bytes on machines with and without
/// libdeflate.
/// </summary>
public static class DeflateEngines
{
    /// <summary>The engine name of libdeflate.</summary>
    public const string LibDeflate = "libdeflate";

    /// <summary>The engine name of the .NET runtime's zlib-ng.</summary>
    public const string ZlibNg = "zlib-ng";

    /// <summary>Bytes deflated to fingerprint an engine: 64 KiB of repetitive, text-like data (deterministic).</summary>
    private const int ProbeLength = 64 << 10;

    /// <summary>The engine used for <paramref name="level"/> on this machine when none is pinned: libdeflate when it loads (and knows the level), else zlib-ng.</summary>
    public static string EngineFor(int level)
    {
        using var probe = LibDeflateDeflater.TryCreate(level);
        return probe is null ? ZlibNg : LibDeflate;
    }

    /// <summary>A factory of deflaters for <paramref name="level"/> with the engine <see cref="EngineFor"/> chooses.</summary>
    public static Func<IDeflater> Factory(int level)
    {
        var engine = EngineFor(level);
        return () => Create(engine, level);
    }

    /// <summary>A deflater of the named engine (<see cref="LibDeflate"/> or <see cref="ZlibNg"/>).</summary>
    public static IDeflater Create(string engine, int level) => engine switch
    {
        LibDeflate => LibDeflateDeflater.TryCreate(level) ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption,
            $"the deflate engine {LibDeflate} was asked for, but libdeflate (libdeflate.so.0; Debian's libdeflate0) is not installed or does not support level {level}"),
        ZlibNg => new ZlibNgDeflater(level),
        _ => throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{engine}' is not a deflate engine; use {LibDeflate} or {ZlibNg}"),
    };

    /// <summary>
    /// <c>engine:fingerprint</c> of <paramref name="engine"/> (null: the one chosen for <paramref name="level"/>), e.g. <c>libdeflate:3f0c9a…</c>: the first 16
    /// hex digits of the sha256 of the probe's deflate stream, so another version of the same engine that writes other bytes
    /// gets another identity.
    /// </summary>
    public static string Identity(int level, string? engine = null)
    {
        engine ??= EngineFor(level);
        using var deflater = Create(engine, level);
        var output = new ArrayBufferWriter<byte>(ProbeLength);
        deflater.Deflate(Probe(), output);
        return $"{engine}:{Convert.ToHexStringLower(SHA256.HashData(output.WrittenSpan))[..16]}";
    }

    /// <summary>Words from a fixed LCG, so the probe exercises matches, literals and Huffman tables.</summary>
    private static byte[] Probe()
    {
        ReadOnlySpan<string> words = ["layer", "chunk", "gzip", "member", "tar", "header", "zstd", "frame", "\n", "0123456789", "{\"name\":", "}"];
        var probe = new byte[ProbeLength];
        var state = 0x2545F491u;
        for (var i = 0; i < probe.Length;)
        {
            state = state * 1664525u + 1013904223u;
            var word = words[(int)(state >> 28) % words.Length];
            for (var k = 0; k < word.Length && i < probe.Length; k++) probe[i++] = (byte)word[k];
            if (i < probe.Length) probe[i++] = (byte)(state >> 8);
        }
        return probe;
    }
}
