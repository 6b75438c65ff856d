using System.Net.Http.Headers;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports.Layout;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>
/// The referrers tag fallback (distribution 2.8 has no referrers API and no conditional PUT) against a rival writer that read the tag
/// before our write and writes it after: <see cref="RivalWriterHandler"/> overwrites the tag with an index holding only its own entry right
/// after our PUT of the tag succeeds, on the real docker-registry. The client must notice on its check read and merge again.
/// </summary>
public sealed class ReferrersTagRaceTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_entry_dropped_by_a_rival_write_is_merged_again_and_both_entries_survive()
    {
        var (destination, subject, rival) = await PushSubjectAsync("race/once", 21);
        using var handler = new RivalWriterHandler(rival, rivalWrites: 1);
        using (var client = new RegistryClient(RegistryFixture.FastOptions(handler)))
            await client.PutManifestAsync(destination, "artifact", MediaTypes.OciManifest, Artifact(subject).Raw, Ct);

        Assert.Equal(1, handler.RivalWritesDone);
        using var reader = new RegistryClient(RegistryFixture.FastOptions());
        var referrers = await reader.GetReferrersAsync(destination, subject.Digest, cancellationToken: Ct);
        Assert.Equal(new[] { rival.Digest.ToString(), Artifact(subject).Digest.ToString() }.Order(StringComparer.Ordinal),
            referrers.Select(d => d.Digest.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_rival_that_always_wins_ends_in_CHB4007_naming_the_tag()
    {
        var (destination, subject, rival) = await PushSubjectAsync("race/always", 22);
        using var handler = new RivalWriterHandler(rival, rivalWrites: int.MaxValue);
        using var client = new RegistryClient(RegistryFixture.FastOptions(handler));
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() =>
            client.PutManifestAsync(destination, "artifact", MediaTypes.OciManifest, Artifact(subject).Raw, Ct));
        Assert.Equal(ErrorCodes.RegistryReferrersTagContended, error.Code);
        Assert.Contains(RegistryClient.ReferrersTag(subject.Digest), error.Message);
        Assert.Equal(5, handler.RivalWritesDone); // one rival write after each of our five writes
    }

    /// <summary>
    /// Pushes a small image (the subject), the empty blob and the rival's artifact (no subject: the registry must know every manifest an
    /// index lists); returns the repository reference, the subject and the rival's descriptor.
    /// </summary>
    private async Task<(ImageReference Destination, Descriptor Subject, Descriptor Rival)> PushSubjectAsync(string repository, int seed)
    {
        var image = TestImage.Create(fixture.Folder.FullName, seed, "v1", 700);
        var destination = ImageReference.Parse($"{fixture.Registry.Host}/{repository}:v1");
        using var client = new RegistryClient(RegistryFixture.FastOptions());
        await using (var sink = new RegistryImageSink(client, destination))
        {
            await LayoutPush.PushAsync(image.Open(), image.Root, sink, ["v1"], Ct);
            await sink.WriteBlobAsync(EmptyConfig, BlobContent.FromBytes(Empty), Ct);
            await sink.CommitAsync(Ct);
        }
        var rival = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest, ArtifactType = "application/vnd.example.rival", Config = EmptyConfig, Layers = [EmptyConfig],
        });
        await client.PutManifestAsync(destination, "rival", MediaTypes.OciManifest, rival.Raw, Ct);
        return (destination, image.Root, rival.Describe(MediaTypes.OciManifest));
    }

    private static readonly byte[] Empty = "{}"u8.ToArray();

    private static Descriptor EmptyConfig => new() { MediaType = "application/vnd.oci.empty.v1+json", Digest = Digest.Sha256Of(Empty), Size = Empty.Length };

    /// <summary>An artifact manifest referring to <paramref name="subject"/> (its config and layer are the empty blob, which the test never needs to read).</summary>
    private static OciDocument<Manifest> Artifact(Descriptor subject) => OciDocument<Manifest>.Create(new Manifest
    {
        MediaType = MediaTypes.OciManifest, ArtifactType = "application/vnd.example.record", Config = EmptyConfig, Layers = [EmptyConfig], Subject = subject,
    });

    /// <summary>
    /// The real network, plus a rival writer: after each successful PUT of a referrers tag (<c>/manifests/sha256-…</c>), while it has writes
    /// left, it PUTs that tag again with an index holding only its own entry — the write of a client that read the tag before ours.
    /// </summary>
    private sealed class RivalWriterHandler(Descriptor rival, int rivalWrites) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        private int _left = rivalWrites;

        /// <summary>How many rival writes were made.</summary>
        public int RivalWritesDone { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var isTagWrite = request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains("/manifests/sha256-", StringComparison.Ordinal);
            if (isTagWrite && response.IsSuccessStatusCode && _left > 0)
            {
                _left--;
                RivalWritesDone++;
                var index = OciJson.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [rival] });
                using var put = new HttpRequestMessage(HttpMethod.Put, request.RequestUri) { Content = new ByteArrayContent(index) };
                put.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciIndex);
                using var rivalResponse = await base.SendAsync(put, cancellationToken);
                rivalResponse.EnsureSuccessStatusCode();
            }
            return response;
        }
    }
}
