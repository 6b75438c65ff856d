using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing.Corpus;
using Xunit;

namespace ChunkedBuild.Core.Tests.Corpus;

/// <summary>The corpus builder itself: every producer writes the tar its spec promises.</summary>
public class TarCorpusTests(TarCorpus corpus)
{
    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public void Tar_holds_the_planned_entries_in_order_with_their_metadata(TarCorpusCase corpusCase)
    {
        var built = corpus.Get(corpusCase);
        var read = ReadAll(built.Path);

        var listed = TarNameLister.List(built.Path);
        Assert.Equal(built.Entries.Select(e => e.ArchiveName.TrimEnd('/')), listed.Select(r => r.Name.TrimEnd('/')));
        Assert.Equal(listed.Count, read.Count);
        var ownersSet = !built.Notes.Any(n => n.StartsWith("owners not set", StringComparison.Ordinal));
        foreach (var ((planned, entry), names) in built.Entries.Zip(read).Zip(listed))
        {
            var spec = planned.Spec;
            var where = $"{corpusCase}: {planned.ArchiveName}";
            Assert.True(ExpectedType(spec.Kind) == Normalize(entry.EntryType), $"{where}: type {entry.EntryType}");
            if (spec.Kind != TarEntryKind.Symlink) Assert.True(spec.Mode == entry.Mode, $"{where}: mode {entry.Mode}");
            if (ownersSet)
            {
                Assert.True(spec.Uid == entry.Uid && spec.Gid == entry.Gid, $"{where}: uid/gid {entry.Uid}/{entry.Gid}");
            }
            Assert.True(spec.ModTime.Seconds == entry.ModificationTime.ToUnixTimeSeconds(), $"{where}: mtime {entry.ModificationTime}");
            if (spec.Kind is TarEntryKind.Symlink or TarEntryKind.HardLink)
                Assert.True(planned.ArchiveLinkTarget == names.LinkName, $"{where}: link target '{names.LinkName}'");
            if (spec.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice)
                Assert.True((spec.DevMajor, spec.DevMinor) == (entry.DevMajor, entry.DevMinor), $"{where}: device {entry.DevMajor},{entry.DevMinor}");
            if (spec.Kind == TarEntryKind.File)
                Assert.True(Sha256(spec.Content.GetBytes()) == entry.ContentSha256, $"{where}: content differs");
        }
    }

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public void Only_ustar_producers_or_a_missing_permission_leave_entries_out(TarCorpusCase corpusCase)
    {
        var built = corpus.Get(corpusCase);
        var producer = TarCorpus.Producer(corpusCase.Producer);
        var permissionOmissions = built.Omitted.Where(o => o.Reason.Contains("not permitted", StringComparison.Ordinal));
        var formatOmissions = built.Omitted.Except(permissionOmissions).Select(o => o.Name).ToList();
        if (producer.Dialect == TarDialect.Ustar)
        {
            Assert.Contains($"long/{TarCorpusCatalogue.LongComponent}/", formatOmissions);
            Assert.Contains("long/far-link", formatOmissions);
            Assert.Contains("ids/big.txt", formatOmissions);
            Assert.Contains(built.Entries, e => e.ArchiveName.EndsWith(".txt", StringComparison.Ordinal) && Encoding.UTF8.GetByteCount(e.ArchiveName) > 100);
        }
        else
        {
            Assert.Empty(formatOmissions);
        }
    }

    /// <summary>The cases whose producer writes PAX (xattrs and sub-second times survive).</summary>
    public static TheoryData<TarCorpusCase> PaxCases
    {
        get
        {
            var data = new TheoryData<TarCorpusCase>();
            foreach (var c in TarCorpus.AllCases().Where(c => TarCorpus.Producer(c.Producer).Dialect == TarDialect.Pax)) data.Add(c);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PaxCases))]
    public void Pax_producers_keep_xattrs_and_subsecond_mtimes(TarCorpusCase corpusCase)
    {
        var built = corpus.Get(corpusCase);
        var read = ReadAll(built.Path);
        var xattrFile = Assert.Single(read, r => r.Name.EndsWith("attrs/xattr.bin", StringComparison.Ordinal));
        if (!built.Notes.Any(n => n.StartsWith("xattrs not written", StringComparison.Ordinal)))
            Assert.Equal("hi\0there", xattrFile.Pax["SCHILY.xattr.user.comment"]);
        var ns = Assert.Single(read, r => r.Name.EndsWith("times/ns.txt", StringComparison.Ordinal));
        var expectedFraction = corpusCase.Producer.StartsWith("dotnet", StringComparison.Ordinal) ? ".1234567" : ".123456789";
        Assert.StartsWith("1700000000" + expectedFraction, ns.Pax["mtime"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TarCorpus.SparseCases), MemberType = typeof(TarCorpus))]
    public void Sparse_producers_store_exactly_the_files_with_holes_as_sparse_entries_and_gnu_tar_reads_them_back(TarCorpusCase corpusCase)
    {
        var built = corpus.Get(corpusCase);
        var formats = new Dictionary<string, string?>(StringComparer.Ordinal);
        using (var reader = new RawTarReader(File.OpenRead(built.Path)))
        {
            while (reader.ReadNext() is { } entry)
            {
                formats.Add(entry.Info.Name, SparseMap.Classify(entry.Info)?.Label());
                // old GNU: 40 regions need the header's 4 and two extension blocks (21 each)
                if (corpusCase.Producer == "gnu-gnu-sparse" && entry.Info.Name.EndsWith("many-regions.bin", StringComparison.Ordinal))
                    Assert.Equal(3 * 512, entry.HeaderBytes.Length);
            }
        }
        Assert.Equal(built.Entries.Select(e => e.ArchiveName), formats.Keys);
        foreach (var planned in built.Entries)
        {
            var holes = planned.Spec.Kind == TarEntryKind.File && planned.Spec.Content.DataRegions is not null;
            Assert.True((holes ? TarCorpus.SparseFormatOf(corpusCase.Producer) : null) == formats[planned.ArchiveName],
                $"{corpusCase}: {planned.ArchiveName} is stored as {formats[planned.ArchiveName] ?? "a regular entry"}");
        }

        // GNU tar reads every file back with the spec's bytes, the holes as zeros
        var folder = Path.Combine(corpus.Folder, "extract-" + Guid.NewGuid().ToString("N"));
        try
        {
            var extracted = ExtractedTree.Extract(built.Path, folder).ToDictionary(f => f.Path);
            foreach (var planned in built.Entries.Where(e => e.Spec.Kind == TarEntryKind.File))
                Assert.Equal(Sha256(planned.Spec.Content.GetBytes()), extracted[planned.Spec.Name].Sha256);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Mixed_producer_writes_ustar_gnu_and_pax_headers_in_one_archive()
    {
        var built = corpus.Get(new TarCorpusCase("dotnet-mixed", "", withBigFiles: false));
        using var file = File.OpenRead(built.Path);
        using var reader = new TarReader(file);
        var formats = new HashSet<TarEntryFormat>();
        while (reader.GetNextEntry() is { } e) formats.Add(e.Format);
        Assert.Equal(new HashSet<TarEntryFormat> { TarEntryFormat.Ustar, TarEntryFormat.Gnu, TarEntryFormat.Pax }, formats);
    }

    [Fact]
    public void Cases_cover_every_producer_and_prefix_and_two_carry_the_big_files()
    {
        var cases = TarCorpus.AllCases().ToList();
        Assert.Equal(TarCorpus.Producers.Count * TarCorpus.Prefixes.Count, cases.Count);
        var sparse = TarCorpus.AllSparseCases().ToList();
        Assert.Equal(TarCorpus.SparseProducers.Count * TarCorpus.Prefixes.Count, sparse.Count);
        Assert.Equal(cases.Count + sparse.Count, cases.Concat(sparse).Select(c => c.Key).Distinct().Count());
        Assert.Equal(["dotnet-pax-plain-big", "gnu-posix-plain-big"], cases.Where(c => c.WithBigFiles).Select(c => c.Key).Order());
    }

    [Fact]
    public void Spec_refuses_a_child_before_its_parent_and_a_dangling_hard_link()
    {
        Assert.Throws<ArgumentException>(() => TarSpec.Of(TarSpec.File("d/a", "x"), TarSpec.Dir("d/")));
        Assert.Throws<ArgumentException>(() => TarSpec.Of(TarSpec.HardLink("h", "missing")));
        Assert.Throws<ArgumentException>(() => TarSpec.Of(TarSpec.File("a", "x"), TarSpec.File("a", "y")));
    }

    [Fact]
    public void Ustar_name_fit_follows_the_prefix_split_rule()
    {
        Assert.True(TarDialect.FitsUstarName(new string('a', 100)));
        Assert.False(TarDialect.FitsUstarName(new string('a', 101)));
        Assert.True(TarDialect.FitsUstarName(new string('p', 155) + "/" + new string('n', 100)));
        Assert.False(TarDialect.FitsUstarName(new string('p', 156) + "/" + new string('n', 100)));
        Assert.False(TarDialect.FitsUstarName(new string('p', 10) + "/" + new string('n', 101)));
    }

    private sealed record ReadEntry(string Name, TarEntryType EntryType, int Mode, int Uid, int Gid, DateTimeOffset ModificationTime,
        string LinkName, int DevMajor, int DevMinor, string? ContentSha256, IReadOnlyDictionary<string, string> Pax);

    private static List<ReadEntry> ReadAll(string path)
    {
        var list = new List<ReadEntry>();
        using var file = File.OpenRead(path);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } e)
        {
            string? sha = null;
            if (e.DataStream is { } data)
            {
                using var ms = new MemoryStream();
                data.CopyTo(ms);
                sha = Sha256(ms.ToArray());
            }
            else if (e.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                sha = Sha256([]);
            }
            var posix = e as PosixTarEntry;
            list.Add(new ReadEntry(e.Name, e.EntryType, (int)e.Mode, e.Uid, e.Gid, e.ModificationTime, e.LinkName,
                posix?.DeviceMajor ?? 0, posix?.DeviceMinor ?? 0, sha,
                (e as PaxTarEntry)?.ExtendedAttributes ?? new Dictionary<string, string>()));
        }
        return list;
    }

    private static TarEntryType ExpectedType(TarEntryKind kind) => kind switch
    {
        TarEntryKind.File => TarEntryType.RegularFile,
        TarEntryKind.Directory => TarEntryType.Directory,
        TarEntryKind.Symlink => TarEntryType.SymbolicLink,
        TarEntryKind.HardLink => TarEntryType.HardLink,
        TarEntryKind.Fifo => TarEntryType.Fifo,
        TarEntryKind.CharDevice => TarEntryType.CharacterDevice,
        _ => TarEntryType.BlockDevice,
    };

    private static TarEntryType Normalize(TarEntryType t) => t == TarEntryType.V7RegularFile ? TarEntryType.RegularFile : t;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
