using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>How the container starts a .NET app, read from its command line.</summary>
/// <param name="ProgramPath">The executable as named (resolved against PATH / WorkingDir, symlinks not followed).</param>
/// <param name="AppDll">
/// The entry assembly (real path); for a single-file app the executable (real path) that holds it, with
/// <see cref="Bundle"/> set.
/// </param>
/// <param name="ViaMuxer">True for <c>dotnet app.dll</c>; false for an app host.</param>
/// <param name="RuntimeConfigPath">An explicit <c>--runtimeconfig</c>, if given.</param>
/// <param name="DepsPath">An explicit <c>--depsfile</c>, if given.</param>
internal sealed record DotnetLaunch(string ProgramPath, string AppDll, bool ViaMuxer, string? RuntimeConfigPath, string? DepsPath)
{
    /// <summary>The single-file bundle <see cref="AppDll"/> is, or null when the app is a separate <c>*.dll</c>.</summary>
    public SingleFileBundle? Bundle { get; init; }

    private static readonly string[] Shells = ["sh", "bash", "ash", "dash", "zsh"];
    private static readonly string[] MuxerOptionsWithValue =
        ["--additionalprobingpath", "--additional-deps", "--depsfile", "--runtimeconfig", "--fx-version", "--roll-forward", "--roll-forward-on-no-candidate-fx"];
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Finds the launch in the settings' command line, or explains why there is none.</summary>
    public static DotnetLaunch? Find(IImageFileView view, ImageRunSettings settings, out string reason)
    {
        var argv = settings.CommandLine.ToList();
        if (argv.Count == 0)
        {
            reason = "the image config has no Entrypoint or Cmd";
            return null;
        }
        if (Shells.Contains(ImagePath.FileName(argv[0])) && argv.IndexOf("-c") is var c and > 0 && c + 1 < argv.Count)
            argv = Tokenize(argv[c + 1]);
        while (argv.Count > 0 && (argv[0] is "exec" or "env" || (argv[0].Contains('=') && !argv[0].Contains('/'))))
            argv.RemoveAt(0); // "exec dotnet …", "env A=b dotnet …"
        if (argv.Count == 0)
        {
            reason = "the command line names no program";
            return null;
        }
        var workDir = string.IsNullOrEmpty(settings.WorkingDir) ? "/" : ImagePath.Normalize(settings.WorkingDir);
        var program = LocateProgram(view, argv[0], workDir, settings.GetEnv("PATH") ?? DefaultPath);
        if (program is null)
        {
            reason = $"the program '{argv[0]}' is not in the image";
            return null;
        }
        var real = view.ResolvePath(program) ?? program;
        var name = ImagePath.FileName(real);
        if (name == "dotnet" || ImagePath.FileName(program) == "dotnet") return FromMuxerArguments(view, program, argv, workDir, out reason);

        var baseName = name.EndsWith(".exe", StringComparison.Ordinal) ? name[..^4] : name;
        var dll = ImagePath.Combine(ImagePath.Parent(real), baseName + ".dll");
        if (view.Resolve(dll) is { Kind: ImageFileKind.File })
        {
            reason = "";
            return new DotnetLaunch(program, view.ResolvePath(dll) ?? dll, false, null, null);
        }
        if (view.ReadSmallFile(real, SingleFileBundle.MaxExecutableBytes) is { } executable && SingleFileBundle.TryRead(executable) is { } bundle)
        {
            reason = "";
            return new DotnetLaunch(program, real, false, null, null) { Bundle = bundle };
        }
        reason = $"the entrypoint '{program}' is not a .NET app (neither the dotnet host, nor an app host with '{baseName}.dll' beside it, nor a single-file bundle)";
        return null;
    }

    private static DotnetLaunch? FromMuxerArguments(IImageFileView view, string program, List<string> argv, string workDir, out string reason)
    {
        string? runtimeConfig = null, deps = null;
        for (var i = 1; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (arg == "exec") continue;
            if (MuxerOptionsWithValue.Contains(arg))
            {
                if (i + 1 < argv.Count)
                {
                    if (arg == "--runtimeconfig") runtimeConfig = ImagePath.Combine(workDir, argv[i + 1]);
                    if (arg == "--depsfile") deps = ImagePath.Combine(workDir, argv[i + 1]);
                }
                i++;
                continue;
            }
            if (arg.StartsWith('-')) continue;
            if (!arg.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !arg.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
            {
                reason = $"'dotnet {arg}' runs an SDK command or tool, not an app assembly";
                return null;
            }
            var dll = ImagePath.Combine(workDir, arg);
            if (view.Resolve(dll) is not { Kind: ImageFileKind.File })
            {
                reason = $"the entrypoint runs '{dll}', which is not in the image";
                return null;
            }
            reason = "";
            return new DotnetLaunch(program, view.ResolvePath(dll) ?? dll, true, runtimeConfig, deps);
        }
        reason = "the dotnet host is started without an app assembly";
        return null;
    }

    private static string? LocateProgram(IImageFileView view, string program, string workDir, string pathVariable)
    {
        if (program.Contains('/'))
        {
            var path = ImagePath.Combine(workDir, program);
            return view.Resolve(path) is not null ? path : null;
        }
        foreach (var directory in pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = ImagePath.Combine(directory.StartsWith('/') ? directory : workDir + "/" + directory, program);
            if (view.Resolve(path) is { Kind: ImageFileKind.File }) return path;
        }
        return null;
    }

    /// <summary>Splits a shell command string into words (whitespace, simple single and double quotes; no expansion).</summary>
    private static List<string> Tokenize(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var ch in command)
        {
            if (quote != '\0')
            {
                if (ch == quote) quote = '\0';
                else word.Append(ch);
                continue;
            }
            if (ch is '\'' or '"')
            {
                quote = ch;
                inWord = true;
            }
            else if (char.IsWhiteSpace(ch) || ch is ';' or '&' or '|')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                if (ch is ';' or '&' or '|' && words.Count > 0) break; // only the first command
            }
            else
            {
                word.Append(ch);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
