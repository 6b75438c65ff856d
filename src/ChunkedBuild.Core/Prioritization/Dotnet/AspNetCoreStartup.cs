using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>The ASP.NET Core host an app builds in its entry assembly (<see cref="AspNetCoreStartup.DetectHost"/>).</summary>
public enum AspNetCoreHost
{
    /// <summary>None that is known: the reference walk decides alone.</summary>
    Unknown,

    /// <summary><c>WebApplication.CreateSlimBuilder</c>: Kestrel, environment and JSON configuration, console logging.</summary>
    Slim,

    /// <summary><c>WebApplication.CreateBuilder</c>, or the generic host's <c>ConfigureWebHostDefaults</c> / <c>WebHost.CreateDefaultBuilder</c>:
    /// the slim host plus options binding, the Debug and EventSource loggers, Kestrel's QUIC probe and the IIS hooks.</summary>
    Full,
}

/// <summary>
/// What an ASP.NET Core web host loads when it starts, beyond what a static walk of assembly references finds. A walk from the app's
/// entry assembly cannot tell: the host's own assemblies reference every feature they can configure (IIS, user secrets, command-line
/// configuration, authentication, regular-expression route constraints, expression-compiled delegates, …) but load only what the builder
/// uses, and they load through dependency injection what they do not reference directly (Kestrel's socket transport, the file
/// providers behind JSON configuration, System.Net.Sockets, the thread pool and console facades). So for an app whose entry assembly
/// calls a known builder the inference lists the framework assemblies that host loads — measured, in the order a start loads them, with
/// <c>ctr-remote image optimize</c> (fanotify, as root) on a start of <c>samples/app</c> (bench <c>--lazy</c>, .NET 10.0, linux-x64) — and
/// does not walk the references of ASP.NET Core's own assemblies. Names a framework version lacks are skipped.
/// </summary>
public static class AspNetCoreStartup
{
    /// <summary>The shared framework whose assemblies the host lists replace the reference walk for.</summary>
    public const string Framework = "Microsoft.AspNetCore.App";

    private const string BuilderNamespace = "Microsoft.AspNetCore.Builder";
    private const string HostingNamespace = "Microsoft.Extensions.Hosting";
    private const string WebHostNamespace = "Microsoft.AspNetCore";

    /// <summary>
    /// The framework assemblies <c>WebApplication.CreateSlimBuilder(args).Build()</c> with a minimal-API endpoint and <c>Run()</c> loads
    /// before Kestrel listens (System.Private.CoreLib, listed with the runtime, left out).
    /// </summary>
    public static IReadOnlyList<string> SlimHost { get; } =
    [
        "System.Runtime", "Microsoft.AspNetCore", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Diagnostics.Abstractions", "Microsoft.Extensions.Configuration.Abstractions",
        "Microsoft.AspNetCore.Http.Abstractions", "Microsoft.AspNetCore.Routing", "System.ComponentModel", "Microsoft.Extensions.Features",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.Primitives", "Microsoft.Extensions.Hosting", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Hosting.Abstractions", "System.Collections", "System.Threading", "Microsoft.Extensions.Configuration.EnvironmentVariables",
        "Microsoft.Extensions.FileProviders.Abstractions", "Microsoft.Extensions.FileProviders.Physical", "Microsoft.Extensions.Configuration.FileExtensions",
        "Microsoft.Extensions.Options", "Microsoft.Extensions.Logging", "Microsoft.Extensions.Diagnostics", "System.Diagnostics.DiagnosticSource",
        "Microsoft.Extensions.Configuration.Json", "System.Memory", "System.Linq", "System.IO.FileSystem.Watcher", "System.ComponentModel.Primitives",
        "System.Collections.Concurrent", "System.Runtime.InteropServices", "System.Threading.Thread", "Microsoft.Extensions.Logging.Configuration",
        "Microsoft.Extensions.Options.ConfigurationExtensions", "Microsoft.Extensions.Logging.Console", "System.Text.Json",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.AspNetCore.Server.Kestrel.Core", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Connections.Abstractions",
        "System.Net.Primitives", "Microsoft.AspNetCore.Hosting.Server.Abstractions", "Microsoft.AspNetCore.HostFiltering", "Microsoft.AspNetCore.HttpOverrides",
        "Microsoft.AspNetCore.Routing.Abstractions", "Microsoft.Extensions.ObjectPool", "System.ObjectModel", "System.Diagnostics.Tracing", "System.Console",
        "System.Threading.ThreadPool", "System.Net.Sockets", "System.IO.Pipelines", "Microsoft.AspNetCore.Http.Extensions", "System.Private.Uri",
        "Microsoft.AspNetCore.Authentication.Abstractions", "Microsoft.AspNetCore.Authorization", "System.Reflection.Emit.Lightweight",
        "System.Reflection.Emit.ILGeneration", "System.Reflection.Primitives", "Microsoft.Net.Http.Headers", "Microsoft.Win32.Primitives", "System.Runtime.Intrinsics",
    ];

    /// <summary>
    /// What <c>WebApplication.CreateBuilder</c> loads besides <see cref="SlimHost"/>: options binding, the Debug and EventSource loggers, Kestrel's
    /// QUIC transport probe, the IIS hooks (the builder calls <c>UseIIS</c>/<c>UseIISIntegration</c>, which return at once off Windows, but only
    /// after their assemblies load), and what those touch.
    /// </summary>
    public static IReadOnlyList<string> FullHostExtras { get; } =
    [
        "Microsoft.Extensions.Configuration.Binder", "Microsoft.Extensions.Logging.Debug", "Microsoft.Extensions.Logging.EventSource",
        "Microsoft.AspNetCore.Server.Kestrel.Transport.Quic", "System.Net.Quic", "Microsoft.AspNetCore.Server.IIS", "Microsoft.AspNetCore.Server.IISIntegration",
        "System.Security.Cryptography", "System.Collections.NonGeneric",
    ];

    /// <summary>The framework assemblies <paramref name="host"/> loads at start, in load order (empty for <see cref="AspNetCoreHost.Unknown"/>).</summary>
    public static IReadOnlyList<string> Assemblies(AspNetCoreHost host) => host switch
    {
        AspNetCoreHost.Slim => SlimHost,
        AspNetCoreHost.Full => [.. SlimHost, .. FullHostExtras],
        _ => [],
    };

    /// <summary>
    /// The host the entry assembly builds, from the members it references: <c>WebApplication.CreateSlimBuilder</c> → slim;
    /// <c>WebApplication.CreateBuilder</c>, <c>WebHost.CreateDefaultBuilder</c> or <c>ConfigureWebHostDefaults</c> → full (the full builder wins
    /// when both appear); anything else, or bytes that are not a managed assembly → unknown.
    /// </summary>
    public static AspNetCoreHost DetectHost(byte[]? entryAssembly)
    {
        if (entryAssembly is null) return AspNetCoreHost.Unknown;
        try
        {
            using var pe = new PEReader(new MemoryStream(entryAssembly, writable: false));
            if (!pe.HasMetadata) return AspNetCoreHost.Unknown;
            var reader = pe.GetMetadataReader();
            var host = AspNetCoreHost.Unknown;
            foreach (var handle in reader.MemberReferences)
            {
                var member = reader.GetMemberReference(handle);
                if (member.Parent.Kind != HandleKind.TypeReference) continue;
                var type = reader.GetTypeReference((TypeReferenceHandle)member.Parent);
                var (ns, typeName, name) = (reader.GetString(type.Namespace), reader.GetString(type.Name), reader.GetString(member.Name));
                if ((ns, typeName, name) is (BuilderNamespace, "WebApplication", "CreateBuilder") or (WebHostNamespace, "WebHost", "CreateDefaultBuilder")
                    or (HostingNamespace, "GenericHostBuilderExtensions", "ConfigureWebHostDefaults"))
                    return AspNetCoreHost.Full;
                if ((ns, typeName, name) is (BuilderNamespace, "WebApplication", "CreateSlimBuilder")) host = AspNetCoreHost.Slim;
            }
            return host;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            return AspNetCoreHost.Unknown;
        }
    }
}
