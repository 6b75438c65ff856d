using System.Text;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// A producer that materializes the spec in a scratch folder and runs an archiver over an explicit, NUL-separated
/// list of names in spec order (no recursion), so the archive order is the spec order.
/// </summary>
public abstract class FileSystemTarProducer : ITarProducer
{
    /// <inheritdoc />
    public abstract string Id { get; }

    /// <inheritdoc />
    public abstract TarDialect Dialect { get; }

    /// <inheritdoc />
    public abstract string? UnavailableReason { get; }

    /// <summary>
    /// The archiver's arguments. <paramref name="root"/> is the folder to run from (<c>-C</c>), <paramref name="listFile"/>
    /// the NUL-separated name list; <paramref name="absolute"/> asks for a leading '/' on names and hard-link targets.
    /// </summary>
    protected abstract (string Program, IReadOnlyList<string> Arguments) Command(string root, string listFile, string outputPath, bool absolute);

    /// <inheritdoc />
    public BuiltTar Build(TarSpec spec, string prefix, string outputPath)
    {
        var scratch = outputPath + ".tree";
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        Directory.CreateDirectory(scratch);
        try
        {
            var caps = FileSystemCapabilities.Probe(scratch);
            var (kept, omitted) = TarBuildPlan.Plan(spec, prefix, Dialect, e =>
                e.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice ? caps.DevicesReason : null);
            var notes = new List<string>();
            var root = Path.Combine(scratch, "root");
            FileSystemMaterializer.Write(kept, root, caps, notes);
            if (!Dialect.Xattrs && kept.Any(p => p.Spec.Xattrs.Count > 0)) notes.Add($"{Dialect.Name}: xattrs are not stored");
            if (!Dialect.SubsecondTimes && kept.Any(p => p.Spec.ModTime.Nanoseconds != 0)) notes.Add($"{Dialect.Name}: times are whole seconds");

            var listFile = Path.Combine(scratch, "names");
            var listed = kept.Select(p => (prefix == "./" ? "./" : "") + p.Spec.PathWithoutSlash);
            File.WriteAllBytes(listFile, Encoding.UTF8.GetBytes(string.Concat(listed.Select(n => n + "\0"))));
            var (program, args) = Command(root, listFile, outputPath, absolute: prefix == "/");
            var r = ProcessRunner.Run(program, args, workingDirectory: scratch);
            if (r.ExitCode != 0)
                throw new InvalidOperationException($"{Id}: {program} {string.Join(' ', args)} exited {r.ExitCode}: {r.StdErr}");
            if (r.StdErr.Trim().Length > 0) notes.Add($"{program} said: {r.StdErr.Trim()}");
            return new BuiltTar(outputPath, Id, prefix, kept, omitted, notes);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>True when <paramref name="program"/> runs and its <c>--version</c> output contains <paramref name="marker"/>.</summary>
    protected static bool VersionContains(string program, string marker)
    {
        if (!ProcessRunner.IsOnPath(program)) return false;
        try
        {
            return ProcessRunner.Run(program, ["--version"], timeout: TimeSpan.FromSeconds(30)).StdOut.Contains(marker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>
/// GNU tar with <c>--format=ustar|gnu|posix</c> (posix adds atime/ctime records, as GNU tar does by default). With
/// <paramref name="sparse"/>, <c>--sparse</c> stores files with holes as sparse entries: old GNU 'S' headers in the gnu
/// format, PAX <c>GNU.sparse.*</c> records of <paramref name="sparseVersion"/> (0.0, 0.1, 1.0) in the posix format.
/// </summary>
/// <param name="format">The value of <c>--format</c>.</param>
/// <param name="sparse">Whether to pass <c>--sparse</c>.</param>
/// <param name="sparseVersion">The value of <c>--sparse-version</c> (posix only).</param>
public sealed class GnuTarProducer(string format, bool sparse = false, string? sparseVersion = null) : FileSystemTarProducer
{
    /// <inheritdoc />
    public override string Id => $"gnu-{format}" + (sparse ? "-sparse" : "") + (sparseVersion is null ? "" : "-" + sparseVersion);

    /// <inheritdoc />
    public override TarDialect Dialect => format switch
    {
        "ustar" => TarDialect.Ustar,
        "gnu" => TarDialect.Gnu,
        "posix" => TarDialect.Pax,
        _ => throw new ArgumentException($"unknown GNU tar format '{format}'"),
    };

    /// <inheritdoc />
    public override string? UnavailableReason =>
        !VersionContains("tar", "GNU tar") ? "GNU tar is not installed (apt-get install tar)"
        : sparse ? FileSystemCapabilities.HolesReason(Path.GetTempPath())
        : null;

    /// <inheritdoc />
    protected override (string Program, IReadOnlyList<string> Arguments) Command(string root, string listFile, string outputPath, bool absolute)
    {
        var args = new List<string> { "--create", "--file", outputPath, $"--format={format}", "--numeric-owner", "--no-recursion" };
        if (format == "posix") args.AddRange(["--xattrs", "--xattrs-include=*"]);
        if (sparse) args.Add("--sparse");
        if (sparseVersion is not null) args.Add($"--sparse-version={sparseVersion}");
        // Prepend '/' to names and hard-link targets, never to symlink targets ('S'); -P keeps the leading '/'.
        if (absolute) args.AddRange(["--absolute-names", "--transform=s,^,/,S"]);
        args.AddRange(["-C", root, "--null", "--verbatim-files-from", "--files-from", listFile]);
        return ("tar", args);
    }
}

/// <summary>
/// bsdtar (libarchive-tools) with <c>--format pax|ustar|gnutar</c>. With <paramref name="sparse"/>, <c>--read-sparse</c> (its
/// default, made explicit) finds the holes; libarchive 3.6 writes them as PAX 1.0 sparse entries in the pax format only
/// (ustar and gnutar store such files dense).
/// </summary>
/// <param name="format">The value of <c>--format</c>.</param>
/// <param name="sparse">Whether this producer is meant for files with holes (id suffix <c>-sparse</c>).</param>
public sealed class BsdTarProducer(string format, bool sparse = false) : FileSystemTarProducer
{
    /// <inheritdoc />
    public override string Id => "bsdtar-" + format + (sparse ? "-sparse" : "");

    /// <inheritdoc />
    public override TarDialect Dialect => format switch
    {
        "ustar" => TarDialect.Ustar,
        "gnutar" => TarDialect.Gnu,
        "pax" => TarDialect.Pax,
        _ => throw new ArgumentException($"unknown bsdtar format '{format}'"),
    };

    /// <inheritdoc />
    public override string? UnavailableReason =>
        !VersionContains("bsdtar", "libarchive") ? "bsdtar is not installed (apt-get install libarchive-tools)"
        : sparse ? FileSystemCapabilities.HolesReason(Path.GetTempPath())
        : null;

    /// <inheritdoc />
    protected override (string Program, IReadOnlyList<string> Arguments) Command(string root, string listFile, string outputPath, bool absolute)
    {
        var args = new List<string> { "-c", "-f", outputPath, "--format", format, "--numeric-owner", "-n" };
        if (format == "pax") args.Add("--xattrs");
        if (sparse) args.Add("--read-sparse");
        // Prepend '/' to names and hard-link targets, never to symlink targets ('S'); -P keeps the leading '/'.
        if (absolute) args.AddRange(["-P", "-s", ",^,/,S"]);
        args.AddRange(["-C", root, "--null", "-T", listFile]);
        return ("bsdtar", args);
    }
}
