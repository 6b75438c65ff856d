namespace ChunkedBuild.Bench;

/// <summary>The start-up mode (<c>--startup</c>): the bytes a lazy puller fetches before the sample apps start, per variant.</summary>
internal static class StartupModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --startup      lazy-pull mode: the hello console app on a runtime:10.0-like image and samples/app on an aspnet:10.0-like
                         image (Debian OS + runtime-deps layers from this machine's packages, the installed .NET), converted with auto
                         prioritization and with none; bytes fetched before the app starts per variant, for the auto list and for the
                         files a real start of the app here read, vs the image's compressed size (target: samples/app, eStargz + auto <= 15%)

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--startup") return false;
        into.Startup = true;
        return true;
    }
}
