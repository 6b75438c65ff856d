using System.Formats.Tar;
using System.Text;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// System.Formats.Tar, straight from the spec (no file system, so devices always work). <c>pax</c> writes every entry
/// as a <see cref="PaxTarEntry"/>; <c>mixed</c> picks per entry the narrowest format that holds it
/// (<see cref="UstarTarEntry"/>, else <see cref="GnuTarEntry"/> for long names and big ids, else PAX for xattrs and
/// sub-second times), which yields one archive mixing three header dialects.
/// </summary>
/// <param name="mode"><c>pax</c> or <c>mixed</c>.</param>
public sealed class DotNetTarProducer(string mode) : ITarProducer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public string Id => "dotnet-" + mode;

    /// <inheritdoc />
    public TarDialect Dialect => TarDialect.Pax;

    /// <inheritdoc />
    public string? UnavailableReason => null;

    /// <inheritdoc />
    public BuiltTar Build(TarSpec spec, string prefix, string outputPath)
    {
        var (kept, omitted) = TarBuildPlan.Plan(spec, prefix, Dialect);
        var notes = new List<string>();
        using (var file = new FileStream(outputPath, FileMode.Create, FileAccess.Write))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false))
        {
            foreach (var planned in kept)
            {
                var entry = Create(planned, notes);
                writer.WriteEntry(entry);
            }
        }
        return new BuiltTar(outputPath, Id, prefix, kept, omitted, notes);
    }

    private TarEntry Create(PlannedEntry planned, List<string> notes)
    {
        var e = planned.Spec;
        var type = e.Kind switch
        {
            TarEntryKind.File => TarEntryType.RegularFile,
            TarEntryKind.Directory => TarEntryType.Directory,
            TarEntryKind.Symlink => TarEntryType.SymbolicLink,
            TarEntryKind.HardLink => TarEntryType.HardLink,
            TarEntryKind.Fifo => TarEntryType.Fifo,
            TarEntryKind.CharDevice => TarEntryType.CharacterDevice,
            _ => TarEntryType.BlockDevice,
        };
        var xattrs = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in e.Xattrs)
        {
            // PAX values are strings here, written as UTF-8: a value that is not UTF-8 cannot be carried byte for byte.
            try
            {
                xattrs.Add(new("SCHILY.xattr." + name, StrictUtf8.GetString(value)));
            }
            catch (DecoderFallbackException)
            {
                notes.Add($"{planned.ArchiveName}: xattr {name} is not UTF-8; System.Formats.Tar cannot write it, left out");
            }
        }
        if (e.ModTime.Nanoseconds % 100 != 0)
            notes.Add($"{planned.ArchiveName}: mtime truncated to 100 ns (DateTimeOffset ticks)");

        PosixTarEntry entry = ChooseFormat(planned, xattrs.Count > 0) switch
        {
            TarEntryFormat.Ustar => new UstarTarEntry(type, planned.ArchiveName),
            TarEntryFormat.Gnu => new GnuTarEntry(type, planned.ArchiveName),
            _ => new PaxTarEntry(type, planned.ArchiveName, xattrs),
        };
        entry.Mode = (UnixFileMode)e.Mode;
        entry.Uid = e.Uid;
        entry.Gid = e.Gid;
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(e.ModTime.Seconds).AddTicks(e.ModTime.Nanoseconds / 100);
        if (planned.ArchiveLinkTarget is not null) entry.LinkName = planned.ArchiveLinkTarget;
        if (e.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice)
        {
            entry.DeviceMajor = e.DevMajor;
            entry.DeviceMinor = e.DevMinor;
        }
        if (e.Kind == TarEntryKind.File) entry.DataStream = new MemoryStream(e.Content.GetBytes(), writable: false);
        return entry;
    }

    private TarEntryFormat ChooseFormat(PlannedEntry planned, bool hasXattrs)
    {
        if (mode == "pax" || hasXattrs || planned.Spec.ModTime.Nanoseconds != 0) return TarEntryFormat.Pax;
        return TarDialect.Ustar.WhyNotRepresentable(planned.Spec, planned.ArchiveName, planned.ArchiveLinkTarget) is null
            ? TarEntryFormat.Ustar
            : TarEntryFormat.Gnu;
    }
}
