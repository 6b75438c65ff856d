namespace ChunkedBuild.Bench;

/// <summary>The sizes mode (<c>--sizes [--levels Z:G,…]</c>): each variant's bytes vs the gzip original, per pair of levels.</summary>
internal static class SizesModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --sizes        sizes mode: that image converted cold into an OCI layout once per --levels pair (zstd:chunked level : eStargz level,
                         default 3:6, e.g. 3:6,10:9); per variant its layers' bytes vs the gzip original's (target <= 1.00x) and the step's time

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        switch (argument)
        {
            case "--sizes": into.Sizes = true; return true;
            case "--levels": into.Levels = next(); return true;
            default: return false;
        }
    }
}
