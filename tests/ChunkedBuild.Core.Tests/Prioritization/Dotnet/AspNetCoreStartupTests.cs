using System.Text;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Dotnet;
using Xunit;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// The ASP.NET Core host an entry assembly builds (from the members it references), and what the inference lists for it on this machine's
/// real .NET install: the measured host list instead of the reference walk through ASP.NET Core's own assemblies.
/// </summary>
public sealed class AspNetCoreStartupTests
{
    private const string AspNetCore = "Microsoft.AspNetCore";
    private static readonly ReferencedMember SlimBuilder = new(AspNetCore, "Microsoft.AspNetCore.Builder", "WebApplication", "CreateSlimBuilder");
    private static readonly ReferencedMember FullBuilder = new(AspNetCore, "Microsoft.AspNetCore.Builder", "WebApplication", "CreateBuilder");
    private static readonly ReferencedMember WebHostDefaults = new("Microsoft.Extensions.Hosting", "Microsoft.Extensions.Hosting", "GenericHostBuilderExtensions", "ConfigureWebHostDefaults");
    private static readonly ReferencedMember Unrelated = new(AspNetCore, "Microsoft.AspNetCore.Builder", "WebApplicationOptions", "set_ApplicationName");

    private static readonly ImageRunSettings Amd64 = new() { Platform = new Platform { Os = "linux", Architecture = "amd64" } };

    [Fact]
    public void The_host_is_read_from_the_builder_the_entry_assembly_calls()
    {
        Assert.Equal(AspNetCoreHost.Slim, AspNetCoreStartup.DetectHost(Web(SlimBuilder)));
        Assert.Equal(AspNetCoreHost.Full, AspNetCoreStartup.DetectHost(Web(FullBuilder)));
        Assert.Equal(AspNetCoreHost.Full, AspNetCoreStartup.DetectHost(Web(SlimBuilder, FullBuilder)));
        Assert.Equal(AspNetCoreHost.Full, AspNetCoreStartup.DetectHost(Web(WebHostDefaults)));
        Assert.Equal(AspNetCoreHost.Unknown, AspNetCoreStartup.DetectHost(Web(Unrelated)));
        Assert.Equal(AspNetCoreHost.Unknown, AspNetCoreStartup.DetectHost(Web()));
        Assert.Equal(AspNetCoreHost.Unknown, AspNetCoreStartup.DetectHost("not an assembly"u8.ToArray()));
        Assert.Equal(AspNetCoreHost.Unknown, AspNetCoreStartup.DetectHost(null));
    }

    [Fact]
    public void A_known_host_lists_what_it_loads_through_dependency_injection_and_not_the_features_its_assemblies_only_reference()
    {
        var slim = Infer(Web(SlimBuilder));
        var walked = Infer(Web(Unrelated));

        // Loaded by the host through DI, three or more references away: only the host list has them.
        foreach (var loaded in new[] { "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets", "System.Net.Sockets", "Microsoft.Extensions.FileProviders.Physical", "System.Threading.ThreadPool" })
        {
            Assert.Contains(slim, p => p.EndsWith($"/{loaded}.dll", StringComparison.Ordinal));
            Assert.DoesNotContain(walked, p => p.EndsWith($"/{loaded}.dll", StringComparison.Ordinal));
        }
        // Referenced by Microsoft.AspNetCore.dll (two levels from the app) but not loaded by a slim host: only the walk has them.
        foreach (var unused in new[] { "Microsoft.AspNetCore.Server.IIS", "Microsoft.Extensions.Configuration.UserSecrets", "Microsoft.AspNetCore.Authentication" })
        {
            Assert.DoesNotContain(slim, p => p.EndsWith($"/{unused}.dll", StringComparison.Ordinal));
            Assert.Contains(walked, p => p.EndsWith($"/{unused}.dll", StringComparison.Ordinal));
        }
        // The full builder loads the IIS hooks (they return at once off Windows, after their assembly loaded) and the extra loggers.
        var full = Infer(Web(FullBuilder));
        Assert.Contains(full, p => p.EndsWith("/Microsoft.AspNetCore.Server.IIS.dll", StringComparison.Ordinal));
        Assert.Contains(full, p => p.EndsWith("/Microsoft.Extensions.Logging.EventSource.dll", StringComparison.Ordinal));
        Assert.Equal(slim, full.Where(slim.Contains));
        // Every listed framework assembly exists, each once; the runtime's own files keep their place before the app.
        Assert.Equal(slim.Count, slim.Distinct(StringComparer.Ordinal).Count());
        Assert.True(slim.IndexOf("/app/Web.dll") > slim.FindIndex(p => p.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal)));
        Assert.True(slim.IndexOf("/app/Web.dll") < slim.FindIndex(p => p.EndsWith("/Microsoft.AspNetCore.Server.Kestrel.Core.dll", StringComparison.Ordinal)));
    }

    private static byte[] Web(params ReferencedMember[] members) => TestAssembly.Build("Web", ["System.Runtime", AspNetCore], members);

    /// <summary>The inference over this machine's .NET install with <paramref name="web"/> as /app/Web.dll on Microsoft.AspNetCore.App.</summary>
    private static List<string> Infer(byte[] web)
    {
        const string runtimeConfig = """
            {"runtimeOptions":{"tfm":"net10.0","frameworks":[{"name":"Microsoft.AspNetCore.App","version":"10.0.0"}]}}
            """;
        var (view, _) = DotnetStartupInferenceTests.HelloImage(("Web.dll", web), ("Web.runtimeconfig.json", Encoding.UTF8.GetBytes(runtimeConfig)));
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["dotnet", "/app/Web.dll"] });
        Assert.Null(result.Reason);
        return [.. result.Paths];
    }
}
