using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Testing.Http;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>
/// Whole-request deadlines against in-process servers on 127.0.0.1 that misbehave on purpose: a manifest body trickled byte by
/// byte, a server that accepts and never answers. The tests assert the error and how many attempts were made, never a duration;
/// their timeouts only keep a regression from hanging the suite.
/// </summary>
public sealed class RegistryDeadlineTests
{
    private static RegistryClientOptions Options(int attempts, TimeSpan? budget = null) => new()
    {
        RequestTimeout = TimeSpan.FromSeconds(1),
        Retry = new RegistryRetryOptions
        {
            MaxAttempts = attempts,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(1),
            MaxElapsed = budget ?? TimeSpan.FromMinutes(2),
        },
    };

    [Fact(Timeout = 120_000)]
    public async Task A_manifest_trickled_byte_by_byte_fails_with_CHB4003_naming_the_url_and_the_limit()
    {
        using var server = new LoopbackHttpServer(async (_, stream, ct) =>
        {
            await LoopbackHttpServer.RespondHeadersAsync(stream, 200, [new("Content-Type", MediaTypes.OciManifest), new("Content-Length", "1000000")], ct);
            while (true)
            {
                await stream.WriteAsync("{"u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(200, ct);
            }
        });
        using var client = new RegistryClient(Options(attempts: 2));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetManifestAsync(ImageReference.Parse($"{server.Host}/app:1"), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.RegistryUnreachable, e.Code);
        Assert.Contains($"GET http://{server.Host}/v2/app/manifests/1", e.Message);
        Assert.Contains("no complete answer within 1 s (the request timeout)", e.Message);
        Assert.Contains("after 2 attempts", e.Message);
        Assert.Equal(2, server.Requests.Count(r => r.Path == "/v2/app/manifests/1"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_server_that_never_answers_costs_the_retry_budget_not_every_attempt()
    {
        using var server = new LoopbackHttpServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        using var client = new RegistryClient(Options(attempts: 10, budget: TimeSpan.FromSeconds(2.5)));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.HeadBlobAsync(ImageReference.Parse($"{server.Host}/app:1"),
            Digest.Sha256Of([]), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.RegistryUnreachable, e.Code);
        Assert.Contains($"HEAD http://{server.Host}/v2/app/blobs/", e.Message);
        Assert.Contains("the retry budget of 2.5 s is spent", e.Message);
        // Each attempt waits out its 1 s deadline, so a 2.5 s budget allows at most 3 of the 10.
        Assert.InRange(server.Requests.Count(r => r.Path.StartsWith("/v2/app/blobs/", StringComparison.Ordinal)), 1, 3);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_error_body_trickled_byte_by_byte_is_cut_by_the_deadline_too()
    {
        using var server = new LoopbackHttpServer(async (_, stream, ct) =>
        {
            await LoopbackHttpServer.RespondHeadersAsync(stream, 404, [new("Content-Type", "application/json"), new("Content-Length", "1000000")], ct);
            while (true)
            {
                await stream.WriteAsync(" "u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(200, ct);
            }
        });
        using var client = new RegistryClient(Options(attempts: 1));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.ReadBlobAsync(ImageReference.Parse($"{server.Host}/app:1"),
            new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256Of([1]), Size = 1 }, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.RegistryUnreachable, e.Code);
        Assert.Contains("within 1 s", e.Message);
    }
}
