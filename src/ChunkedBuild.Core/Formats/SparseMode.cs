using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Formats;

/// <summary>What a conversion does with sparse files (GNU 'S', PAX <c>GNU.sparse.*</c> 0.0, 0.1, 1.0).</summary>
public enum SparseMode
{
    /// <summary>
    /// Rewrite each sparse entry as a regular file of the same logical size and content, the holes as zeros
    /// (<see cref="Tar.SparseDensifier"/>). The converted layer is then a new tar: its DiffID changes, for zstd:chunked too.
    /// </summary>
    Densify,

    /// <summary>Refuse sparse entries (CHB1102): the layer stays in its original compression and keeps its DiffID.</summary>
    Refuse,
}

/// <summary>The names of <see cref="SparseMode"/> values on the command line and in settings.</summary>
public static class SparseModes
{
    /// <summary>Accepted names: <c>densify</c> (the default) and <c>refuse</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["densify", "refuse"];

    /// <summary>The command-line name of <paramref name="mode"/>.</summary>
    public static string Name(this SparseMode mode) => mode == SparseMode.Refuse ? "refuse" : "densify";

    /// <summary>Parses a name (case-insensitive, surrounding blanks ignored); null or empty gives the default; anything else is CHB9001 naming <paramref name="source"/>.</summary>
    public static SparseMode Parse(string? text, string source) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "densify" => SparseMode.Densify,
        "refuse" => SparseMode.Refuse,
        _ => throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{source} '{text}' is not densify or refuse"),
    };
}
