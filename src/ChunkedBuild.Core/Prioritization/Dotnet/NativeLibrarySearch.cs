using System.IO.Enumeration;
using System.Text;
using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// Finds shared libraries in an image the way its dynamic loader does (docs/prioritization.md, "Native libraries"):
/// glibc: the requester's <c>DT_RPATH</c> then the program's (only when the requester has no <c>DT_RUNPATH</c>),
/// <c>LD_LIBRARY_PATH</c>, the requester's <c>DT_RUNPATH</c>, the directories of <c>/etc/ld.so.conf</c> (what
/// <c>ld.so.cache</c> is built from), then the default directories of the platform; musl: <c>LD_LIBRARY_PATH</c>, the
/// requester's and the program's <c>RPATH</c>/<c>RUNPATH</c>, then <c>/etc/ld-musl-&lt;arch&gt;.path</c> or
/// <c>/lib:/usr/local/lib:/usr/lib</c>. A candidate that is ELF of another class or machine than the program is skipped,
/// as the loader skips it.
/// </summary>
internal sealed class NativeLibrarySearch
{
    private const int MaxConfigBytes = 1 << 20;
    private const int MaxIncludeDepth = 8;
    private static readonly char[] ConfigSeparators = [' ', '\t', ':', ',', '='];

    private readonly IImageFileView _view;
    private readonly ImageDirectoryIndex _index;
    private readonly bool _musl;
    private readonly IReadOnlyList<string> _ldLibraryPath;
    private readonly IReadOnlyList<string> _systemDirectories;
    private readonly (bool Is64Bit, ushort Machine)? _programKind;
    private readonly IReadOnlyList<string> _programRPath;
    private readonly Func<string, ElfDynamicInfo> _readElf;

    /// <param name="view">The image.</param>
    /// <param name="index">Its directory index.</param>
    /// <param name="settings">The run settings (platform, <c>LD_LIBRARY_PATH</c>).</param>
    /// <param name="programPath">The real path of the program (for its <c>$ORIGIN</c>).</param>
    /// <param name="program">The program's ELF information (<see cref="ElfDynamicInfo.None"/> when unreadable).</param>
    /// <param name="readElf">Reads the ELF information of an image file (cached by the caller).</param>
    public NativeLibrarySearch(IImageFileView view, ImageDirectoryIndex index, ImageRunSettings settings, string programPath,
        ElfDynamicInfo program, Func<string, ElfDynamicInfo> readElf)
    {
        _view = view;
        _index = index;
        _readElf = readElf;
        var muslLoader = MuslLoaderName(view, program);
        _musl = muslLoader is not null;
        _programKind = program.IsElf ? (program.Is64Bit, program.Machine) : null;
        // glibc ignores a DT_RPATH next to a DT_RUNPATH; musl treats both alike
        _programRPath = SplitSearchPath(_musl ? program.RunPath ?? program.RPath : program.RunPath is null ? program.RPath : null, ImagePath.Parent(programPath));
        _ldLibraryPath = SplitSearchPath(settings.GetEnv("LD_LIBRARY_PATH"), "/");
        _systemDirectories = _musl ? MuslDirectories(muslLoader!) : GlibcDirectories(settings, program);
    }

    /// <summary>True when the program's loader is musl's (no <c>ld.so.cache</c>, musl's search order), false for glibc's.</summary>
    public bool IsMusl => _musl;

    /// <summary>The directories searched after the object's own paths (ld.so.conf and the defaults, or musl's path), in order.</summary>
    public IReadOnlyList<string> SystemDirectories => _systemDirectories;

    /// <summary>
    /// The path (as the loader opens it: search directory + name, symlinks not followed) of the library
    /// <paramref name="name"/> needed by the object at <paramref name="requesterPath"/>, or null when the image has none.
    /// </summary>
    public string? Find(string name, string requesterPath, ElfDynamicInfo requester)
    {
        if (name.Length == 0) return null;
        if (name.Contains('/')) return IsUsable(ImagePath.Normalize(name)) ? ImagePath.Normalize(name) : null;
        foreach (var dir in SearchDirectories(requesterPath, requester))
        {
            var candidate = ImagePath.Combine(dir, name);
            if (IsUsable(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The names in the system directories that match <paramref name="pattern"/> (<c>*</c> and <c>?</c> wildcards), each once, with the path they are found at.</summary>
    public IEnumerable<(string Name, string Path)> FindInSystemDirectories(string pattern)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in _systemDirectories)
        {
            var real = _view.ResolvePath(dir);
            if (real is null) continue;
            foreach (var child in _index.Children(real))
            {
                if (!FileSystemName.MatchesSimpleExpression(pattern, child, ignoreCase: false) || !seen.Add(child)) continue;
                var candidate = ImagePath.Combine(dir, child);
                if (IsUsable(candidate)) yield return (child, candidate);
            }
        }
    }

    private IEnumerable<string> SearchDirectories(string requesterPath, ElfDynamicInfo requester)
    {
        var origin = ImagePath.Parent(requesterPath);
        if (_musl)
        {
            foreach (var dir in _ldLibraryPath) yield return dir;
            foreach (var dir in SplitSearchPath(requester.RunPath ?? requester.RPath, origin)) yield return dir;
            foreach (var dir in _programRPath) yield return dir;
        }
        else
        {
            if (requester.RunPath is null)
            {
                foreach (var dir in SplitSearchPath(requester.RPath, origin)) yield return dir;
                foreach (var dir in _programRPath) yield return dir;
            }
            foreach (var dir in _ldLibraryPath) yield return dir;
            foreach (var dir in SplitSearchPath(requester.RunPath, origin)) yield return dir;
        }
        foreach (var dir in _systemDirectories) yield return dir;
    }

    /// <summary>A regular file there that is not ELF of another class or machine than the program.</summary>
    private bool IsUsable(string path)
    {
        if (_view.Resolve(path) is not { Kind: ImageFileKind.File }) return false;
        if (_programKind is not { } kind) return true;
        var elf = _readElf(_view.ResolvePath(path) ?? path);
        return !elf.IsElf || (elf.Is64Bit == kind.Is64Bit && elf.Machine == kind.Machine);
    }

    /// <summary>A colon-separated search path with <c>$ORIGIN</c> / <c>${ORIGIN}</c> expanded; entries with other tokens or relative entries are dropped.</summary>
    internal static IReadOnlyList<string> SplitSearchPath(string? searchPath, string origin)
    {
        if (string.IsNullOrEmpty(searchPath)) return [];
        var result = new List<string>();
        foreach (var entry in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var expanded = entry.Replace("${ORIGIN}", origin, StringComparison.Ordinal).Replace("$ORIGIN", origin, StringComparison.Ordinal);
            if (expanded.Contains('$') || !expanded.StartsWith('/')) continue; // $LIB, $PLATFORM; relative to the working directory
            result.Add(ImagePath.Normalize(expanded));
        }
        return result;
    }

    /// <summary>The musl loader's name part (<c>x86_64</c> of <c>ld-musl-x86_64.so.1</c>) from the program's interpreter or <c>/lib</c>; null for glibc.</summary>
    private static string? MuslLoaderName(IImageFileView view, ElfDynamicInfo program)
    {
        static string? Arch(string name) =>
            name.StartsWith("ld-musl-", StringComparison.Ordinal) && name.EndsWith(".so.1", StringComparison.Ordinal) ? name["ld-musl-".Length..^".so.1".Length] : null;
        if (program.Interpreter is { } interpreter) return Arch(ImagePath.FileName(ImagePath.Normalize(interpreter)));
        return view.Files.Select(f => f.Path.StartsWith("/lib/ld-musl-", StringComparison.Ordinal) ? Arch(ImagePath.FileName(f.Path)) : null).FirstOrDefault(a => a is not null);
    }

    private List<string> MuslDirectories(string arch)
    {
        if (_view.ReadSmallFile($"/etc/ld-musl-{arch}.path", MaxConfigBytes) is { } bytes)
            return Encoding.UTF8.GetString(bytes).Split([':', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(d => d.StartsWith('/')).Select(ImagePath.Normalize).Distinct(StringComparer.Ordinal).ToList();
        return ["/lib", "/usr/local/lib", "/usr/lib"];
    }

    private List<string> GlibcDirectories(ImageRunSettings settings, ElfDynamicInfo program)
    {
        var dirs = new List<string>();
        ReadLdSoConf("/etc/ld.so.conf", dirs, new HashSet<string>(StringComparer.Ordinal), 0);
        if (MultiarchTriplet(settings.Platform?.Architecture, settings.Platform?.Variant, program) is { } triplet)
            dirs.AddRange([$"/lib/{triplet}", $"/usr/lib/{triplet}"]);
        dirs.AddRange(["/lib64", "/usr/lib64", "/lib", "/usr/lib"]);
        return dirs.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Adds the directories of an ld.so.conf file: one or more per line (separated by blanks, <c>:</c> or <c>,</c>), <c>include</c> globs, <c>#</c> comments.</summary>
    private void ReadLdSoConf(string path, List<string> dirs, HashSet<string> visited, int depth)
    {
        if (depth > MaxIncludeDepth || _view.ResolvePath(path) is not { } real || !visited.Add(real)) return;
        if (_view.ReadSmallFile(real, MaxConfigBytes) is not { } bytes) return;
        foreach (var rawLine in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            var hash = rawLine.IndexOf('#');
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0) continue;
            var words = line.Split(ConfigSeparators, StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "include")
            {
                foreach (var pattern in words.Skip(1))
                {
                    foreach (var file in Glob(ImagePath.Combine(ImagePath.Parent(path), pattern))) ReadLdSoConf(file, dirs, visited, depth + 1);
                }
            }
            else if (words[0] != "hwcap")
            {
                dirs.AddRange(words.Where(w => w.StartsWith('/')).Select(ImagePath.Normalize));
            }
        }
    }

    /// <summary>The regular files matching <paramref name="pattern"/> (wildcards in the last component only), sorted as glob(3) sorts them.</summary>
    private IEnumerable<string> Glob(string pattern)
    {
        var dir = ImagePath.Parent(pattern);
        var name = ImagePath.FileName(pattern);
        if (name.IndexOfAny(['*', '?']) < 0) return [pattern];
        var real = _view.ResolvePath(dir);
        if (real is null) return [];
        return _index.Children(real).Where(c => FileSystemName.MatchesSimpleExpression(name, c, ignoreCase: false))
            .Order(StringComparer.Ordinal).Select(c => ImagePath.Combine(dir, c))
            .Where(p => _view.Resolve(p) is { Kind: ImageFileKind.File });
    }

    /// <summary>The Debian/Ubuntu multiarch triplet of a platform (OCI architecture and variant), else of the program's ELF machine.</summary>
    private static string? MultiarchTriplet(string? architecture, string? variant, ElfDynamicInfo program) => architecture switch
    {
        "amd64" => "x86_64-linux-gnu",
        "arm64" => "aarch64-linux-gnu",
        "arm" => variant is "v5" ? "arm-linux-gnueabi" : "arm-linux-gnueabihf",
        "386" => "i386-linux-gnu",
        "ppc64le" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "riscv64" => "riscv64-linux-gnu",
        "mips64le" => "mips64el-linux-gnuabi64",
        "loong64" => "loongarch64-linux-gnu",
        _ => program.Machine switch
        {
            ElfMachineX86_64 => "x86_64-linux-gnu",
            ElfMachineAArch64 => "aarch64-linux-gnu",
            ElfMachineArm => "arm-linux-gnueabihf",
            ElfMachine386 => "i386-linux-gnu",
            _ => null,
        },
    };

    // e_machine values (ELF header, 2 bytes at offset 18).
    private const ushort ElfMachine386 = 3;
    private const ushort ElfMachineArm = 40;
    private const ushort ElfMachineX86_64 = 62;
    private const ushort ElfMachineAArch64 = 183;
}
