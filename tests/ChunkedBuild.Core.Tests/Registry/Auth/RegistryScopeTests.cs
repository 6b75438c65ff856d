using ChunkedBuild.Core.Registry.Auth;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

public class RegistryScopeTests
{
    [Fact]
    public void Scope_parsing_sorts_actions_and_keeps_colons_in_names()
    {
        var s = RegistryScope.TryParse("repository:a/b:push,pull")!;
        Assert.Equal("repository", s.ResourceType);
        Assert.Equal("a/b", s.Name);
        Assert.Equal("repository:a/b:pull,push", s.ToString());
        Assert.Equal("x:y", RegistryScope.TryParse("repository(plugin):x:y:pull")!.Name);
        Assert.Null(RegistryScope.TryParse("repository:nope"));
        Assert.Equal(2, RegistryScope.ParseList(" repository:a:pull  registry:catalog:* bad").Count);
    }

    [Fact]
    public void Covers_checks_type_name_and_action()
    {
        var s = RegistryScope.ForRepository("a/b", push: true);
        Assert.True(s.Covers("repository", "a/b", "pull"));
        Assert.True(s.Covers("repository", "a/b", "push"));
        Assert.False(s.Covers("repository", "a/c", "pull"));
        Assert.False(RegistryScope.ForRepository("a/b", push: false).Covers("repository", "a/b", "push"));
        Assert.True(RegistryScope.TryParse("repository:a:*")!.Covers("repository", "a", "delete"));
        Assert.True(s.Covers(RegistryScope.ForRepository("a/b", push: false)));
        Assert.Equal(RegistryScope.TryParse("repository:a:push,pull"), RegistryScope.ForRepository("a", true));
    }

    [Theory]
    [InlineData("/v2/", null)]
    [InlineData("/v2/_catalog", null)]
    [InlineData("/v2/library/alpine/manifests/3.20", "library/alpine")]
    [InlineData("/v2/a/blobs/sha256:abc", "a")]
    [InlineData("/v2/a/b/c/blobs/uploads/", "a/b/c")]
    [InlineData("/v2/a/blobs/uploads/6f1c-uuid", "a")]
    [InlineData("/v2/blobs/manifests/blobs/blobs/sha256:00", "blobs/manifests/blobs")]
    [InlineData("/v2/x/tags/list", "x")]
    [InlineData("/v2/x/referrers/sha256:00", "x")]
    [InlineData("/v1/x/manifests/y", null)]
    [InlineData("/v2/manifests/latest", null)]
    public void Repository_of_distribution_paths(string path, string? repository) =>
        Assert.Equal(repository, RegistryRequestTarget.RepositoryOf(path));

    [Fact]
    public void Target_of_requests_picks_action_scope_and_docker_hub_credential_host()
    {
        var get = RegistryRequestTarget.From(new HttpRequestMessage(HttpMethod.Head, "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:00"), pushIntent: false);
        Assert.Equal("registry-1.docker.io", get.Registry);
        Assert.Equal("docker.io", get.CredentialHost);
        Assert.Equal("pull", get.Action);
        Assert.False(get.ForPush);
        Assert.Equal("repository:library/alpine:pull", get.Scope!.ToString());

        var intent = RegistryRequestTarget.From(new HttpRequestMessage(HttpMethod.Head, "http://127.0.0.1:5000/v2/a/blobs/sha256:00"), pushIntent: true);
        Assert.Equal("127.0.0.1:5000", intent.Registry);
        Assert.Equal("pull", intent.Action);
        Assert.True(intent.ForPush);
        Assert.Equal("repository:a:pull,push", intent.Scope!.ToString());

        var patch = RegistryRequestTarget.From(new HttpRequestMessage(HttpMethod.Patch, "http://h:1/v2/a/blobs/uploads/u?_state=x"), pushIntent: false);
        Assert.Equal("push", patch.Action);
        Assert.True(patch.ForPush);

        var catalog = RegistryRequestTarget.From(new HttpRequestMessage(HttpMethod.Get, "http://h/v2/_catalog?n=10"), pushIntent: false);
        Assert.Equal("registry:catalog:*", catalog.Scope!.ToString());
    }
}
