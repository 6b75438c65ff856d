namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// The value ranges of <c>layer convert</c>'s options, checked while parsing so that a wrong value is a usage error
/// (exit code 2) before any input is read. The writers check the same ranges again (CHB9001).
/// </summary>
public static class ConvertOptionRules
{
    /// <summary>zstd levels libzstd accepts for zstd:chunked frames.</summary>
    public static readonly (int Min, int Max) ZstdLevels = (1, 22);

    /// <summary>gzip (deflate) levels for eStargz members.</summary>
    public static readonly (int Min, int Max) GzipLevels = (0, 9);

    /// <summary>The largest eStargz chunk accepted (256 MiB; the reader buffers one chunk).</summary>
    public const long MaxChunkSize = 256L << 20;

    /// <summary>Returns an error message when <paramref name="level"/> is outside the range of <paramref name="format"/>, else null.</summary>
    public static string? CheckLevel(string format, int level)
    {
        var (name, (min, max)) = format == "estargz" ? ("gzip", GzipLevels) : ("zstd", ZstdLevels);
        return level < min || level > max
            ? $"--level {level} is out of range for {format} ({name} levels are {min}-{max})"
            : null;
    }

    /// <summary>Returns an error message when <paramref name="chunkSize"/> is not a usable eStargz chunk size, else null.</summary>
    public static string? CheckChunkSize(long chunkSize) =>
        chunkSize is < 1 or > MaxChunkSize ? $"--chunk-size {chunkSize} is out of range (1-{MaxChunkSize} bytes)" : null;

    /// <summary>Returns an error message when <paramref name="jobs"/> is not a usable thread count, else null.</summary>
    public static string? CheckJobs(int jobs) =>
        jobs is < 1 or > 1024 ? $"--jobs {jobs} is out of range (1-1024)" : null;
}
