using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

public static partial class DotnetStartupInference
{
    /// <summary>
    /// Native runtime libraries a self-contained single-file host loads from its own folder when they are there (the
    /// .NET 6+ Linux single-file host links coreclr, the JIT and System.Native in, so usually none is).
    /// </summary>
    private static readonly string[] SingleFileRuntimeLibraries = ["libcoreclr.so", "libSystem.Native.so", "libclrjit.so"];

    /// <summary>
    /// A single-file app (docs/prioritization.md, "Single-file apps"): the executable holds the entry assembly, its
    /// deps.json and runtimeconfig.json, so it is listed with its native closure first; a framework-dependent one then
    /// loads the shared runtime as an app host does (the bundled runtimeconfig.json chooses the frameworks, and the
    /// bundled entry assembly's references choose the framework assemblies); a self-contained one carries the runtime
    /// and the framework assemblies inside, and loads only the native libraries beside it.
    /// </summary>
    private static StartupInference InferSingleFile(IImageFileView view, ImageRunSettings settings, DotnetLaunch launch, SingleFileBundle bundle)
    {
        var executable = launch.AppDll;
        var runtimeConfigBytes = bundle.RuntimeConfig is { } configEntry ? bundle.Read(configEntry, MaxJsonBytes) : null;
        if (runtimeConfigBytes is null) return StartupInference.None($"the single-file app '{executable}' has no readable runtimeconfig.json in its bundle");
        var runtimeConfig = DotnetRuntimeConfig.TryParse(runtimeConfigBytes, out var problem);
        if (runtimeConfig is null) return StartupInference.MalformedFile($"{executable} (bundled runtimeconfig.json)", problem!);

        var index = new ImageDirectoryIndex(view);
        var output = new StartupFileList(view);
        var appDir = ImagePath.Parent(executable);
        output.AddWithLinks(launch.ProgramPath);
        var native = new NativeLibraryClosure(view, index, settings, launch.ProgramPath, output, ElfDynamicInfo.Read(bundle.Executable));
        native.AddProgramDependencies();

        var frameworkDirs = new List<string>();
        string icuRequester;
        if (runtimeConfig.IsSelfContained)
        {
            foreach (var library in SingleFileRuntimeLibraries) native.AddLibrary($"{appDir}/{library}");
            icuRequester = view.Resolve($"{appDir}/libcoreclr.so") is { Kind: ImageFileKind.File } ? $"{appDir}/libcoreclr.so" : launch.ProgramPath;
        }
        else
        {
            var failure = AddSharedHost(view, index, settings, launch, runtimeConfig, [], native, output, frameworkDirs);
            if (failure is not null) return StartupInference.None(failure);
            var runtimeDir = RuntimeDirectory(frameworkDirs, appDir);
            AddRuntime(runtimeDir, native, output);
            icuRequester = $"{runtimeDir}/libcoreclr.so";
        }
        if (!IsGlobalizationInvariant(runtimeConfig, settings)) native.AddIcu(icuRequester);

        // framework assemblies the bundled assemblies reference (a self-contained bundle holds the framework's too)
        var deps = bundle.Deps is { } depsEntry && bundle.Read(depsEntry, MaxJsonBytes) is { } depsBytes
            ? DotnetDepsFile.TryParse(depsBytes, RidChain(view, settings))
            : null;
        if (!runtimeConfig.IsSelfContained && bundle.EntryAssembly(ImagePath.FileName(executable)) is { } entry)
        {
            var bundled = new Dictionary<string, AppAssembly>(StringComparer.OrdinalIgnoreCase);
            foreach (var assembly in bundle.Entries.Where(e => e.Type == BundleFileType.Assembly))
                bundled.TryAdd(Path.GetFileNameWithoutExtension(assembly.RelativePath), new AppAssembly(null, () => bundle.Read(assembly, MaxAssemblyBytes)));
            AddReferencedAssemblies(view, Path.GetFileNameWithoutExtension(entry.RelativePath), () => bundle.Read(entry, MaxAssemblyBytes), bundled, frameworkDirs, output);
        }
        AddDepsAssets(view, deps, appDir, frameworkDirs, native, output);
        AddAppSettings(settings, appDir, output);
        return new StartupInference(output.Paths, null, executable);
    }
}
