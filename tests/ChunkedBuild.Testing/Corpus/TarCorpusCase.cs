using Xunit.Sdk;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// One corpus case: a producer, a name prefix and whether the big files are included, or (<see cref="Sparse"/>) a sparse
/// producer over the files with holes. Serializable, so xunit lists each case as its own test; <see cref="TarCorpus.Get"/>
/// builds (or reuses) its tar.
/// </summary>
public sealed class TarCorpusCase : IXunitSerializable
{
    /// <summary>For xunit deserialization only.</summary>
    public TarCorpusCase()
    {
        Producer = "";
        Prefix = "";
    }

    /// <summary>Creates a case.</summary>
    public TarCorpusCase(string producer, string prefix, bool withBigFiles, bool sparse = false)
    {
        Producer = producer;
        Prefix = prefix;
        WithBigFiles = withBigFiles;
        Sparse = sparse;
    }

    /// <summary>The producer id (see <see cref="TarCorpus.Producers"/>).</summary>
    public string Producer { get; private set; }

    /// <summary>The name prefix: <c>""</c>, <c>./</c> or <c>/</c>.</summary>
    public string Prefix { get; private set; }

    /// <summary>True when the 4 MiB and many-chunks files are included.</summary>
    public bool WithBigFiles { get; private set; }

    /// <summary>True for the sparse cases: <see cref="TarCorpusCatalogue.Sparse"/> written by a sparse producer.</summary>
    public bool Sparse { get; private set; }

    /// <summary>The entries of this case.</summary>
    public TarSpec Spec => Sparse ? TarCorpusCatalogue.Sparse() : TarCorpusCatalogue.Awkward(WithBigFiles);

    /// <summary>A file-name-safe key, unique per case.</summary>
    public string Key => $"{Producer}-{Prefix switch { "" => "plain", "./" => "dot", _ => "abs" }}{(WithBigFiles ? "-big" : "")}{(Sparse ? "-holes" : "")}";

    /// <inheritdoc />
    public void Deserialize(IXunitSerializationInfo info)
    {
        Producer = (string)info.GetValue(nameof(Producer))!;
        Prefix = (string)info.GetValue(nameof(Prefix))!;
        WithBigFiles = (bool)info.GetValue(nameof(WithBigFiles))!;
        Sparse = (bool)info.GetValue(nameof(Sparse))!;
    }

    /// <inheritdoc />
    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(Producer), Producer, typeof(string));
        info.AddValue(nameof(Prefix), Prefix, typeof(string));
        info.AddValue(nameof(WithBigFiles), WithBigFiles, typeof(bool));
        info.AddValue(nameof(Sparse), Sparse, typeof(bool));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Producer} prefix=\"{Prefix}\"{(WithBigFiles ? " +big files" : "")}{(Sparse ? " files with holes" : "")}";
}
