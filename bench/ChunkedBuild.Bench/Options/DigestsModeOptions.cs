namespace ChunkedBuild.Bench;

/// <summary>The output-digest mode (<c>--digests FILE [--inputs DIR]</c>, read by <see cref="OutputDigests"/>): no timing, one line of digests per conversion.</summary>
internal static class DigestsModeOptions
{
    /// <summary>Usage of this mode.</summary>
    public const string Usage = """
        or: dotnet run -c Release --project bench/ChunkedBuild.Bench -- --digests FILE [--inputs DIR]
          output-digest mode (no timing): every corpus case and the bench tar converted by both writers (default options and with
          prioritized files) and three images converted end to end, one line of output digests per conversion written to FILE;
          the inputs are built once into DIR (default artifacts/digest-inputs) and reused, so two commits can be compared
        """;
}
