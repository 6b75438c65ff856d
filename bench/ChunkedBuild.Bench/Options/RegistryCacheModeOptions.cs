namespace ChunkedBuild.Bench;

/// <summary>The registry-cache mode (<c>--registry-cache</c>): a fresh runner's conversion step with and without the registry cache.</summary>
internal static class RegistryCacheModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --registry-cache  registry-cache mode: samples/app on the aspnet:10.0-like base, each next release converted into Debian's docker-registry
                         by a fresh runner (empty local cache, own process) with and without the registry cache; the conversion step's wall times
                         (target: with <= 25% of without); one round unless --runs; also prints each variant's first-pull size vs the gzip original

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--registry-cache") return false;
        into.RegistryCache = true;
        return true;
    }
}
