using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats;

/// <summary>
/// The origin check a registry cache entry must pass: a converted blob is accepted for a source only when it holds exactly the source's
/// entries (header bytes and contents), in the writer's order, plus only the entries the writer generates.
/// </summary>
public sealed class LayerOriginTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[] Base = TestImageLayout.SampleLayers(1)[0];
    private static readonly byte[] App = TestImageLayout.SampleLayers(1)[1];

    public static TheoryData<string> FormatNames => [.. LayerFormats.Names];

    private static async Task<IReadOnlyList<string>> CheckAsync(string format, byte[] converted, byte[] source, FormatOptions? sourceOptions = null, FormatOptions? convertOptions = null)
    {
        var layerFormat = LayerFormats.Get(format);
        using var input = new MemoryStream(converted, writable: false);
        using var output = new MemoryStream();
        await layerFormat.WriteAsync(input, output, convertOptions ?? new FormatOptions { TempDirectory = Path.GetTempPath() }, Ct);
        var entries = LayerOrigin.ReadSource(new MemoryStream(source, writable: false), sourceOptions ?? new FormatOptions { TempDirectory = Path.GetTempPath() }, Ct);
        using var blob = LayerInput.OpenUncompressed(new MemoryStream(output.ToArray(), writable: false), out _);
        return LayerOrigin.Check(blob, layerFormat, entries, sourceOptions ?? new FormatOptions { TempDirectory = Path.GetTempPath() }, Ct);
    }

    [Theory]
    [MemberData(nameof(FormatNames))]
    public async Task A_blob_converted_from_the_source_passes(string format) =>
        Assert.Empty(await CheckAsync(format, App, App));

    [Theory]
    [MemberData(nameof(FormatNames))]
    public async Task A_valid_blob_of_another_layer_is_refused(string format)
    {
        var failures = await CheckAsync(format, converted: Base, source: App);
        Assert.NotEmpty(failures);
        Assert.Contains(failures, f => f.Contains("differs", StringComparison.Ordinal) || f.Contains("entries", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FormatNames))]
    public async Task One_changed_file_content_is_found(string format)
    {
        var good = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "original"), TarSpec.File("app/b.dll", "same")));
        var evil = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "tampered"), TarSpec.File("app/b.dll", "same")));
        var failures = await CheckAsync(format, converted: evil, source: good);
        Assert.Contains(failures, f => f.Contains("'app/a.dll'", StringComparison.Ordinal) && f.Contains("differs", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FormatNames))]
    public async Task An_added_file_is_found(string format)
    {
        var good = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "original")));
        var more = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "original"), TarSpec.File("etc/ld.so.preload", "/tmp/evil.so")));
        var failures = await CheckAsync(format, converted: more, source: good);
        Assert.NotEmpty(failures);
    }

    [Fact]
    public async Task The_order_of_prioritized_files_is_part_of_the_rule()
    {
        // The same files in another order: what a lazy puller prefetches differs, so the entry is not the conversion asked for.
        var prioritized = new FormatOptions { TempDirectory = Path.GetTempPath(), PrioritizedFiles = ["app/hello.runtimeconfig.json"] };
        Assert.Empty(await CheckAsync("estargz", App, App, prioritized, prioritized));
        Assert.NotEmpty(await CheckAsync("estargz", App, App, sourceOptions: prioritized, convertOptions: new FormatOptions { TempDirectory = Path.GetTempPath() }));
        Assert.NotEmpty(await CheckAsync("zstd-chunked", App, App, sourceOptions: prioritized, convertOptions: new FormatOptions { TempDirectory = Path.GetTempPath() }));
    }

    [Fact]
    public async Task The_entries_the_eStargz_validator_read_give_the_verdict_of_reading_the_blob_again()
    {
        // A registry cache hit compares the entries the validator read on its pass over the blob instead of decompressing it again.
        var good = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "original"), TarSpec.File("app/b.dll", "same")));
        var evil = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/a.dll", "tampered"), TarSpec.File("app/b.dll", "same")));
        var prioritized = new FormatOptions { TempDirectory = Path.GetTempPath(), PrioritizedFiles = ["app/b.dll"] };
        foreach (var (converted, source, options) in new[] { (App, App, new FormatOptions { TempDirectory = Path.GetTempPath() }), (Base, App, new FormatOptions { TempDirectory = Path.GetTempPath() }), (evil, good, new FormatOptions { TempDirectory = Path.GetTempPath() }), (good, good, prioritized) })
        {
            using var output = new MemoryStream();
            var written = await LayerFormats.EStargz.WriteAsync(new MemoryStream(converted, writable: false), output, new FormatOptions { TempDirectory = Path.GetTempPath() }, Ct);
            var blob = output.ToArray();
            var verdict = LayerFormats.EStargz.Validator.Validate(new MemoryStream(blob, writable: false), new LayerValidationRequest { Annotations = written.Annotations });
            Assert.True(verdict.IsValid);
            var entries = LayerOrigin.ReadSource(new MemoryStream(source, writable: false), options, Ct);
            using var decompressed = LayerInput.OpenUncompressed(new MemoryStream(blob, writable: false), out _);
            var reread = LayerOrigin.Check(decompressed, LayerFormats.EStargz, entries, options, Ct);
            Assert.Equal(reread, LayerOrigin.Check(verdict.StreamEntries!, LayerFormats.EStargz, entries, options));
            Assert.Equal(converted == source && options.PrioritizedFiles.Count == 0, reread.Count == 0);
        }
    }

    [Fact]
    public void A_source_the_formats_refuse_is_refused_as_the_writer_refuses_it()
    {
        var duplicate = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(duplicate, leaveOpen: true))
        {
            foreach (var text in new[] { "1", "2" })
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "a") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });
        }
        duplicate.Position = 0;
        var e = Assert.Throws<ChunkedBuildException>(() => LayerOrigin.ReadSource(duplicate, new FormatOptions { TempDirectory = Path.GetTempPath() }, Ct));
        Assert.Equal(ErrorCodes.DuplicatePath, e.Code);
    }
}
