using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// Lists the native libraries a process of the image maps, as the loader maps them: the program's interpreter, then
/// for each object breadth-first the <c>DT_NEEDED</c> libraries not loaded yet (found by <see cref="NativeLibrarySearch"/>),
/// each with the symlinks on the way to it. Objects are told apart by real path, as the loader tells them apart by name
/// and soname (a library the interpreter already is, such as <c>ld-linux-x86-64.so.2</c>, is not listed twice).
/// </summary>
internal sealed class NativeLibraryClosure
{
    /// <summary>The largest ELF file read for its dependencies (larger ones are listed, their dependencies are not followed).</summary>
    private const int MaxElfBytes = 64 << 20;

    private readonly IImageFileView _view;
    private readonly StartupFileList _output;
    private readonly NativeLibrarySearch _search;
    private readonly Dictionary<string, ElfDynamicInfo> _elf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loaded = new(StringComparer.Ordinal);
    private readonly string _programPath;
    private readonly ElfDynamicInfo _program;

    /// <summary>
    /// Starts the closure of the process running <paramref name="programPath"/> (as named; symlinks are followed here).
    /// <paramref name="program"/> is the program's ELF information when the caller has read it already (a single-file
    /// bundle can be larger than the ELF files read here).
    /// </summary>
    public NativeLibraryClosure(IImageFileView view, ImageDirectoryIndex index, ImageRunSettings settings, string programPath, StartupFileList output,
        ElfDynamicInfo? program = null)
    {
        _view = view;
        _output = output;
        _programPath = view.ResolvePath(programPath) ?? ImagePath.Normalize(programPath);
        if (program is not null) _elf[_programPath] = program;
        _program = ReadElf(_programPath);
        _search = new NativeLibrarySearch(view, index, settings, _programPath, _program, ReadElf);
    }

    /// <summary>glibc's loader cache: the glibc interpreter maps it to find libraries by name before the default directories.</summary>
    private const string GlibcLoaderCache = "/etc/ld.so.cache";

    /// <summary>
    /// Adds the program's interpreter (<c>PT_INTERP</c>, with its links), glibc's <c>/etc/ld.so.cache</c> when the interpreter
    /// is glibc's, and the libraries the program needs (the program itself is listed by the caller).
    /// </summary>
    public void AddProgramDependencies()
    {
        _loaded.Add(_programPath);
        if (_program.Interpreter is { Length: > 0 } interpreter)
        {
            var path = ImagePath.Normalize(interpreter);
            if (_view.ResolvePath(path) is { } real && _loaded.Add(real)) _output.AddWithLinks(path);
            if (!_search.IsMusl && _program.Needed.Count > 0 && _view.Resolve(GlibcLoaderCache) is { Kind: ImageFileKind.File }) _output.AddWithLinks(GlibcLoaderCache);
        }
        LoadNeeded(_programPath, _program);
    }

    /// <summary>
    /// Adds a library the process opens by path (<c>dlopen</c> of hostfxr, hostpolicy, coreclr, …) and, unless
    /// <paramref name="followNeeded"/> is false, the libraries it needs.
    /// </summary>
    public void AddLibrary(string path, bool followNeeded = true)
    {
        if (path.Length == 0 || _view.Resolve(path) is not { Kind: ImageFileKind.File }) return;
        _output.AddWithLinks(path);
        if (_view.ResolvePath(path) is not { } real || !_loaded.Add(real)) return;
        if (followNeeded) LoadNeeded(ImagePath.Normalize(path), ReadElf(real));
    }

    /// <summary>
    /// Adds ICU as the runtime's globalization shim loads it (by name, from <paramref name="requesterPath"/>): the
    /// highest major version <c>N</c> with both <c>libicuuc.so.N</c> and <c>libicui18n.so.N</c> in the library
    /// directories, and what they need (<c>libicudata.so.N</c>). Nothing when the image has no ICU.
    /// </summary>
    public void AddIcu(string requesterPath)
    {
        var requester = ReadElf(_view.ResolvePath(requesterPath) ?? requesterPath);
        var majors = _search.FindInSystemDirectories("libicuuc.so.*")
            .Select(f => f.Name["libicuuc.so.".Length..])
            .Where(v => v.Length is > 0 and < 6 && v.All(char.IsAsciiDigit))
            .Select(int.Parse).Distinct().OrderDescending();
        foreach (var major in majors)
        {
            var uc = _search.Find($"libicuuc.so.{major}", requesterPath, requester);
            var i18n = _search.Find($"libicui18n.so.{major}", requesterPath, requester);
            if (uc is null || i18n is null) continue;
            AddLibrary(uc);
            AddLibrary(i18n);
            return;
        }
    }

    /// <summary>Breadth-first over <c>DT_NEEDED</c> from the object at <paramref name="path"/>, listing each library not loaded yet.</summary>
    private void LoadNeeded(string path, ElfDynamicInfo info)
    {
        var pending = new Queue<(string Path, ElfDynamicInfo Info)>();
        pending.Enqueue((path, info));
        while (pending.Count > 0)
        {
            var (requesterPath, requester) = pending.Dequeue();
            foreach (var name in requester.Needed)
            {
                if (_search.Find(name, requesterPath, requester) is not { } found || _view.ResolvePath(found) is not { } real || !_loaded.Add(real)) continue;
                _output.AddWithLinks(found);
                pending.Enqueue((found, ReadElf(real)));
            }
        }
    }

    /// <summary>The ELF information of the file at a real path (cached; <see cref="ElfDynamicInfo.None"/> when absent, too large or not ELF).</summary>
    private ElfDynamicInfo ReadElf(string realPath)
    {
        if (_elf.TryGetValue(realPath, out var cached)) return cached;
        var info = _view.ReadSmallFile(realPath, MaxElfBytes) is { } bytes ? ElfDynamicInfo.Read(bytes) : ElfDynamicInfo.None;
        _elf[realPath] = info;
        return info;
    }
}
