using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// Infers the files a .NET app in an image reads when it starts, in that order, from the image's merged filesystem and
/// its run settings (docs/prioritization.md, "Inference"): the host (<c>dotnet</c> or the app host) with its
/// interpreter and libraries, hostfxr, the app's runtimeconfig and deps files, the resolved frameworks'
/// deps/runtimeconfig files, hostpolicy, the runtime (coreclr, the JIT, System.Native, CoreLib), each native module
/// followed by the OS libraries it needs (<see cref="NativeLibraryClosure"/>), ICU unless the app is
/// globalization-invariant, the entry assembly, then for an ASP.NET Core app whose host is known the assemblies that host loads
/// (<see cref="AspNetCoreStartup"/>), then the assemblies it references (app-local ones transitively, framework ones to
/// <see cref="FrameworkReferenceDepth"/> levels, not through ASP.NET Core's own when the host is known), the app's deps.json assets and
/// appsettings files. Debug symbols, XML docs and test assemblies are never listed.
/// </summary>
public static partial class DotnetStartupInference
{
    /// <summary>How many levels of framework assembly references are followed from the app's own assemblies.</summary>
    public const int FrameworkReferenceDepth = 2;

    private const int MaxJsonBytes = 16 << 20;
    private const int MaxAssemblyBytes = 64 << 20;
    private static readonly string[] DefaultDotnetRoots = ["/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet", "/opt/dotnet"];
    private static readonly string[] RuntimeFiles =
        ["libcoreclr.so", TraceProvider, "libSystem.Native.so", "libclrjit.so", "System.Private.CoreLib.dll"];

    /// <summary>
    /// coreclr dlopens the LTTng trace provider and goes on without it when that fails (no liblttng-ust in the image),
    /// so its own dependencies are not followed.
    /// </summary>
    private const string TraceProvider = "libcoreclrtraceptprovider.so";

    /// <summary>Infers the startup files; an empty result carries the reason (the image is not a .NET app, or the host cannot be found).</summary>
    public static StartupInference Infer(IImageFileView view, ImageRunSettings settings)
    {
        var launch = DotnetLaunch.Find(view, settings, out var reason);
        if (launch is null) return StartupInference.None(reason);
        return launch.Bundle is { } bundle ? InferSingleFile(view, settings, launch, bundle) : InferAppAssembly(view, settings, launch);
    }

    /// <summary>An app whose entry assembly is a file (<c>dotnet app.dll</c>, or an app host with <c>app.dll</c> beside it).</summary>
    private static StartupInference InferAppAssembly(IImageFileView view, ImageRunSettings settings, DotnetLaunch launch)
    {
        var index = new ImageDirectoryIndex(view);
        var output = new StartupFileList(view);

        var appDir = ImagePath.Parent(launch.AppDll);
        var appName = ImagePath.FileName(launch.AppDll)[..^4];
        var runtimeConfigPath = launch.RuntimeConfigPath ?? $"{appDir}/{appName}.runtimeconfig.json";
        var depsPath = launch.DepsPath ?? $"{appDir}/{appName}.deps.json";
        var runtimeConfigBytes = view.ReadSmallFile(runtimeConfigPath, MaxJsonBytes);
        if (runtimeConfigBytes is null) return StartupInference.None($"the app '{launch.AppDll}' has no readable '{runtimeConfigPath}'");
        var runtimeConfig = DotnetRuntimeConfig.TryParse(runtimeConfigBytes, out var problem);
        if (runtimeConfig is null) return StartupInference.MalformedFile(runtimeConfigPath, problem!);

        // the host: dotnet (muxer) or the app host, its interpreter and libraries, and where the frameworks live
        output.AddWithLinks(launch.ProgramPath);
        var native = new NativeLibraryClosure(view, index, settings, launch.ProgramPath, output);
        native.AddProgramDependencies();
        string runtimeDir;
        var frameworkDirs = new List<string>();
        if (runtimeConfig.IsSelfContained)
        {
            native.AddLibrary($"{appDir}/libhostfxr.so");
            output.Add(runtimeConfigPath);
            output.Add(depsPath);
            native.AddLibrary($"{appDir}/libhostpolicy.so");
            runtimeDir = appDir;
        }
        else
        {
            var failure = AddSharedHost(view, index, settings, launch, runtimeConfig, [runtimeConfigPath, depsPath], native, output, frameworkDirs);
            if (failure is not null) return StartupInference.None(failure);
            runtimeDir = RuntimeDirectory(frameworkDirs, appDir);
        }
        AddRuntime(runtimeDir, native, output);
        // ICU: CoreLib's globalization start-up has coreclr's shim dlopen it, unless the app runs globalization-invariant
        if (!IsGlobalizationInvariant(runtimeConfig, settings)) native.AddIcu($"{runtimeDir}/libcoreclr.so");
        output.Add(launch.AppDll);

        // assemblies: the app's own (from deps.json, else the app folder) and the frameworks'
        var deps = view.ReadSmallFile(depsPath, MaxJsonBytes) is { } depsBytes ? DotnetDepsFile.TryParse(depsBytes, RidChain(view, settings)) : null;
        var appAssemblies = AppLocalAssemblies(view, index, appDir, deps);
        var lookupDirs = runtimeConfig.IsSelfContained ? [appDir] : frameworkDirs;
        var entry = view.ReadSmallFile(launch.AppDll, MaxAssemblyBytes);
        // A known ASP.NET Core host: list what it loads (measured) instead of walking the references of ASP.NET Core's own assemblies.
        var webHost = frameworkDirs.Any(IsAspNetCoreFramework) ? AspNetCoreStartup.DetectHost(entry) : AspNetCoreHost.Unknown;
        foreach (var name in AspNetCoreStartup.Assemblies(webHost)) AddFrameworkAssembly(view, name, frameworkDirs, output);
        AddReferencedAssemblies(view, appName, () => entry, appAssemblies, lookupDirs, output, webHost != AspNetCoreHost.Unknown);
        AddDepsAssets(view, deps, appDir, lookupDirs, native, output);
        AddAppSettings(settings, appDir, output);
        return new StartupInference(output.Paths, null, launch.AppDll);
    }

    /// <summary>
    /// The shared-runtime host of a framework-dependent app: hostfxr (from the muxer's folder or the dotnet root an app host
    /// finds), then <paramref name="appConfigFiles"/> (the app's runtimeconfig and deps files, when they are files), the
    /// resolved frameworks' deps/runtimeconfig files and hostpolicy. Fills <paramref name="frameworkDirs"/>; returns why
    /// the runtime cannot be found, or null.
    /// </summary>
    private static string? AddSharedHost(IImageFileView view, ImageDirectoryIndex index, ImageRunSettings settings, DotnetLaunch launch,
        DotnetRuntimeConfig runtimeConfig, IReadOnlyList<string> appConfigFiles, NativeLibraryClosure native, StartupFileList output, List<string> frameworkDirs)
    {
        var root = launch.ViaMuxer ? ImagePath.Parent(view.ResolvePath(launch.ProgramPath) ?? launch.ProgramPath) : FindDotnetRoot(view, index, settings);
        var hostFxr = root is null ? null : HighestHostFxr(view, index, root);
        if (root is null || hostFxr is null)
            return $"the app '{launch.AppDll}' needs a shared .NET runtime, but no dotnet root with host/fxr/<version>/libhostfxr.so is in the image";
        native.AddLibrary(hostFxr);
        foreach (var file in appConfigFiles) output.Add(file);
        var rollForward = runtimeConfig.RollForward ?? settings.GetEnv("DOTNET_ROLL_FORWARD");
        var missing = ResolveFrameworks(view, index, root, runtimeConfig.Frameworks, rollForward, frameworkDirs);
        if (missing is not null)
            return $"the app '{launch.AppDll}' needs framework {missing}, which the image's dotnet root '{root}' does not have";
        foreach (var fxDir in frameworkDirs)
        {
            var fxName = ImagePath.FileName(ImagePath.Parent(fxDir));
            output.Add($"{fxDir}/{fxName}.deps.json");
            output.Add($"{fxDir}/{fxName}.runtimeconfig.json");
        }
        native.AddLibrary($"{RuntimeDirectory(frameworkDirs, ImagePath.Parent(launch.AppDll))}/libhostpolicy.so");
        return null;
    }

    /// <summary>The folder of the runtime itself: Microsoft.NETCore.App's, else the last framework's, else the app's.</summary>
    private static string RuntimeDirectory(IReadOnlyList<string> frameworkDirs, string appDir) =>
        frameworkDirs.FirstOrDefault(d => d.Contains("/Microsoft.NETCore.App/", StringComparison.Ordinal)) ?? frameworkDirs.LastOrDefault() ?? appDir;

    /// <summary>The runtime's own files in <paramref name="runtimeDir"/> (coreclr, the trace provider, System.Native, the JIT, CoreLib).</summary>
    private static void AddRuntime(string runtimeDir, NativeLibraryClosure native, StartupFileList output)
    {
        foreach (var file in RuntimeFiles)
        {
            if (!file.EndsWith(".so", StringComparison.Ordinal)) output.Add($"{runtimeDir}/{file}");
            else native.AddLibrary($"{runtimeDir}/{file}", followNeeded: file != TraceProvider);
        }
    }

    /// <summary>Framework assemblies named like the deps.json libraries, and the deps.json native assets found in the app folder.</summary>
    private static void AddDepsAssets(IImageFileView view, DotnetDepsFile? deps, string appDir, IReadOnlyList<string> lookupDirs,
        NativeLibraryClosure native, StartupFileList output)
    {
        if (deps is null) return;
        foreach (var library in deps.Libraries)
        {
            foreach (var dir in lookupDirs) output.Add($"{dir}/{library}.dll");
        }
        foreach (var asset in deps.NativeAssets) native.AddLibrary(FindAsset(view, appDir, asset) ?? "");
    }

    /// <summary><c>appsettings.json</c> and <c>appsettings.&lt;environment&gt;.json</c> in the app folder and the working directory.</summary>
    private static void AddAppSettings(ImageRunSettings settings, string appDir, StartupFileList output)
    {
        var environment = settings.GetEnv("ASPNETCORE_ENVIRONMENT") ?? settings.GetEnv("DOTNET_ENVIRONMENT") ?? "Production";
        var workDir = string.IsNullOrEmpty(settings.WorkingDir) ? appDir : ImagePath.Normalize(settings.WorkingDir);
        foreach (var dir in new[] { appDir, workDir }.Distinct())
        {
            output.Add($"{dir}/appsettings.json");
            output.Add($"{dir}/appsettings.{environment}.json");
        }
    }

    /// <summary>
    /// Globalization-invariant mode: the runtimeconfig's <c>System.Globalization.Invariant</c> when set (an AppContext
    /// switch wins over the environment), else <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c> = <c>1</c> or <c>true</c>.
    /// </summary>
    private static bool IsGlobalizationInvariant(DotnetRuntimeConfig runtimeConfig, ImageRunSettings settings)
    {
        if (runtimeConfig.GlobalizationInvariant is { } configured) return configured;
        var env = settings.GetEnv("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT")?.Trim();
        return env == "1" || string.Equals(env, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An app-local assembly: a file in the image (listed when referenced), or an entry of a single-file bundle (<paramref name="ImagePath"/> null: read, never listed).</summary>
    private sealed record AppAssembly(string? ImagePath, Func<byte[]?> Read);

    /// <summary>True for a <c>shared/Microsoft.AspNetCore.App/&lt;version&gt;</c> folder.</summary>
    private static bool IsAspNetCoreFramework(string frameworkDir) => ImagePath.FileName(ImagePath.Parent(frameworkDir)) == AspNetCoreStartup.Framework;

    /// <summary>Lists <c>&lt;name&gt;.dll</c> from the first framework folder that has it; returns its path, or null when none has.</summary>
    private static string? AddFrameworkAssembly(IImageFileView view, string name, IReadOnlyList<string> frameworkDirs, StartupFileList output)
    {
        foreach (var dir in frameworkDirs)
        {
            var candidate = $"{dir}/{name}.dll";
            if (view.Resolve(candidate) is not { Kind: ImageFileKind.File }) continue;
            output.Add(candidate);
            return candidate;
        }
        return null;
    }

    /// <summary>
    /// Adds the assemblies the entry assembly references: app-local ones transitively, framework ones to <see cref="FrameworkReferenceDepth"/>;
    /// with <paramref name="knownWebHost"/> the references of ASP.NET Core's own assemblies are not followed (the host's list stands for them).
    /// </summary>
    private static void AddReferencedAssemblies(IImageFileView view, string entryName, Func<byte[]?> readEntry,
        Dictionary<string, AppAssembly> appAssemblies, IReadOnlyList<string> frameworkDirs, StartupFileList output, bool knownWebHost = false)
    {
        var queue = new Queue<(Func<byte[]?> Read, int FrameworkDepth)>();
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { entryName };
        queue.Enqueue((readEntry, 0));
        while (queue.Count > 0)
        {
            var (read, depth) = queue.Dequeue();
            foreach (var reference in ReadAssemblyReferences(read()))
            {
                if (!visited.Add(reference)) continue;
                if (appAssemblies.TryGetValue(reference, out var local))
                {
                    if (local.ImagePath is { } path) output.Add(path);
                    queue.Enqueue((local.Read, depth));
                    continue;
                }
                if (depth >= FrameworkReferenceDepth) continue;
                if (AddFrameworkAssembly(view, reference, frameworkDirs, output) is not { } candidate) continue;
                if (depth + 1 < FrameworkReferenceDepth && !(knownWebHost && IsAspNetCoreFramework(ImagePath.Parent(candidate))))
                    queue.Enqueue((() => view.ReadSmallFile(candidate, MaxAssemblyBytes), depth + 1));
            }
        }
    }

    /// <summary>The names of the assemblies <paramref name="bytes"/> references (empty when it is not a readable managed assembly).</summary>
    private static IReadOnlyList<string> ReadAssemblyReferences(byte[]? bytes)
    {
        if (bytes is null) return [];
        try
        {
            using var pe = new PEReader(new MemoryStream(bytes, writable: false));
            if (!pe.HasMetadata) return [];
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>Simple assembly name → image path of the app's own managed assemblies.</summary>
    private static Dictionary<string, AppAssembly> AppLocalAssemblies(IImageFileView view, ImageDirectoryIndex index, string appDir, DotnetDepsFile? deps)
    {
        var result = new Dictionary<string, AppAssembly>(StringComparer.OrdinalIgnoreCase);
        var relativePaths = deps?.RuntimeAssets ?? index.Children(appDir).Where(n => n.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var relative in relativePaths)
        {
            if (FindAsset(view, appDir, relative) is { } path)
                result.TryAdd(Path.GetFileNameWithoutExtension(path), new AppAssembly(path, () => view.ReadSmallFile(path, MaxAssemblyBytes)));
        }
        return result;
    }

    /// <summary>Where the host finds a deps.json asset of an app-local library: at its relative path under the app folder, else by file name there.</summary>
    private static string? FindAsset(IImageFileView view, string appDir, string relative)
    {
        foreach (var candidate in new[] { ImagePath.Combine(appDir, relative), ImagePath.Combine(appDir, ImagePath.FileName(ImagePath.Normalize(relative))) })
        {
            if (view.Resolve(candidate) is { Kind: ImageFileKind.File }) return view.ResolvePath(candidate);
        }
        return null;
    }

    /// <summary>Resolves framework references (and the references of those frameworks) to their folders; returns the first missing one, else null.</summary>
    private static string? ResolveFrameworks(IImageFileView view, ImageDirectoryIndex index, string root,
        IReadOnlyList<(string Name, string Version)> references, string? rollForward, List<string> dirs)
    {
        var pending = new Queue<(string Name, string Version)>(references);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var (name, version) = pending.Dequeue();
            if (!done.Add(name)) continue;
            var requested = FrameworkVersion.TryParse(version);
            var nameDir = view.ResolvePath($"{root}/shared/{name}") ?? $"{root}/shared/{name}";
            var installed = index.Children(nameDir).Select(FrameworkVersion.TryParse).OfType<FrameworkVersion>()
                .Where(v => index.Children($"{nameDir}/{v.Text}").Count > 0);
            var chosen = requested is null ? null : FrameworkVersion.Select(requested, installed, rollForward);
            if (chosen is null) return $"{name} {version}";
            var fxDir = $"{nameDir}/{chosen.Text}";
            dirs.Add(fxDir);
            if (view.ReadSmallFile($"{fxDir}/{name}.runtimeconfig.json", MaxJsonBytes) is { } nested && DotnetRuntimeConfig.TryParse(nested) is { } fxConfig)
            {
                foreach (var reference in fxConfig.Frameworks) pending.Enqueue(reference);
            }
        }
        return null;
    }

    /// <summary>The dotnet root an app host uses: DOTNET_ROOT(_ARCH), /etc/dotnet/install_location, then the default locations.</summary>
    private static string? FindDotnetRoot(IImageFileView view, ImageDirectoryIndex index, ImageRunSettings settings)
    {
        var candidates = new List<string>();
        var arch = DotnetArchitecture(settings.Platform?.Architecture);
        if (arch is not null && settings.GetEnv($"DOTNET_ROOT_{arch.ToUpperInvariant()}") is { Length: > 0 } archRoot) candidates.Add(archRoot);
        if (settings.GetEnv("DOTNET_ROOT") is { Length: > 0 } envRoot) candidates.Add(envRoot);
        foreach (var file in new[] { arch is null ? null : $"/etc/dotnet/install_location_{arch}", "/etc/dotnet/install_location" })
        {
            if (file is not null && view.ReadSmallFile(file, 4096) is { } location)
            {
                var line = System.Text.Encoding.UTF8.GetString(location).Split('\n')[0].Trim();
                if (line.StartsWith('/')) candidates.Add(line);
            }
        }
        candidates.AddRange(DefaultDotnetRoots);
        return candidates.Select(c => view.ResolvePath(c) ?? c).FirstOrDefault(c => HighestHostFxr(view, index, c) is not null);
    }

    private static string? HighestHostFxr(IImageFileView view, ImageDirectoryIndex index, string root)
    {
        var fxrDir = view.ResolvePath($"{root}/host/fxr") ?? $"{root}/host/fxr";
        return index.Children(fxrDir).Select(FrameworkVersion.TryParse).OfType<FrameworkVersion>()
            .OrderByDescending(v => v)
            .Select(v => $"{fxrDir}/{v.Text}/libhostfxr.so")
            .FirstOrDefault(p => view.Resolve(p) is { Kind: ImageFileKind.File });
    }

    /// <summary>The runtime identifier fallback chain of the image (most specific first).</summary>
    private static IReadOnlyList<string> RidChain(IImageFileView view, ImageRunSettings settings)
    {
        var arch = DotnetArchitecture(settings.Platform?.Architecture) ?? "x64";
        var musl = view.Files.Any(f => f.Path.StartsWith("/lib/ld-musl-", StringComparison.Ordinal));
        var chain = new List<string>();
        if (musl) chain.AddRange([$"linux-musl-{arch}", "linux-musl"]);
        chain.AddRange([$"linux-{arch}", "linux", $"unix-{arch}", "unix", $"any", "base"]);
        return chain;
    }

    private static string? DotnetArchitecture(string? ociArchitecture) => ociArchitecture switch
    {
        "amd64" => "x64",
        "386" => "x86",
        "arm64" or "arm" or "s390x" or "ppc64le" or "riscv64" or "loongarch64" => ociArchitecture,
        _ => null,
    };
}
