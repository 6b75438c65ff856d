using System.Net;
using ChunkedBuild.Core.Tests.Registry.Auth;
using ChunkedBuild.Testing.Http;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>
/// The test fixtures' ports: a free port can be taken by someone else between being chosen and being bound. The registry
/// fixture must notice and move, and must never take the thief for the registry.
/// </summary>
public sealed class LocalRegistryStartTests
{
    [Fact]
    public async Task A_registry_whose_port_was_taken_starts_on_another_one_and_is_the_registry_that_answers()
    {
        RegistryWire.RequireRegistry();
        var ct = TestContext.Current.CancellationToken;
        using var thief = new LoopbackHttpServer((_, stream, token) => LoopbackHttpServer.RespondAsync(stream, 404, "{}", cancellationToken: token));

        using var registry = LocalRegistry.Start(new LocalRegistryOptions { Port = thief.Port });

        Assert.NotEqual(thief.Port, registry.Port);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var ping = await http.GetAsync(new Uri(registry.BaseUri, "/v2/"), ct);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("registry/2.0", Assert.Single(ping.Headers.GetValues("Docker-Distribution-Api-Version")));
        Assert.Empty(thief.Requests);
    }

    [Fact]
    public void In_process_servers_hold_their_port_from_start_to_dispose()
    {
        // Two servers started back to back never share a port (each binds port 0 and keeps the socket), and a disposed
        // server's port can be bound again at once: nothing is left listening on it.
        using var first = new LoopbackHttpServer((_, _, _) => Task.CompletedTask);
        int port;
        using (var second = new LoopbackHttpServer((_, _, _) => Task.CompletedTask))
        {
            Assert.NotEqual(first.Port, second.Port);
            port = second.Port;
        }
        var again = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        again.Start();
        again.Stop();
    }
}
