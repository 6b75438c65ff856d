namespace ChunkedBuild.Testing.Corpus;

/// <summary>A tool that writes a tar from a <see cref="TarSpec"/> (GNU tar, bsdtar, System.Formats.Tar).</summary>
public interface ITarProducer
{
    /// <summary>Short id used in case names, e.g. <c>gnu-posix</c>.</summary>
    string Id { get; }

    /// <summary>The format the producer writes and hence which entries it can carry.</summary>
    TarDialect Dialect { get; }

    /// <summary>Null when the producer can run here, else why not (e.g. the tool is not installed).</summary>
    string? UnavailableReason { get; }

    /// <summary>Writes <paramref name="spec"/> with names prefixed by <paramref name="prefix"/> to <paramref name="outputPath"/>.</summary>
    BuiltTar Build(TarSpec spec, string prefix, string outputPath);
}
