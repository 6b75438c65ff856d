using System.Net;
using System.Security.Cryptography;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>Small distribution API calls the auth tests drive against a real registry (the registry helper owns the real client).</summary>
internal static class RegistryWire
{
    public static string DigestOf(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>
    /// Uploads a blob as the .NET SDK does: <c>POST …/uploads/</c>, one <c>PATCH</c> whose body is a read-once stream (so it
    /// only works when the authorization is attached up front), then <c>PUT ?digest=</c>. Returns the digest.
    /// </summary>
    public static async Task<string> UploadBlobAsync(HttpClient client, Uri registry, string repository, byte[] data, CancellationToken ct)
    {
        var digest = DigestOf(data);
        using var start = await client.PostAsync(new Uri(registry, $"/v2/{repository}/blobs/uploads/"), null, ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = new Uri(registry, start.Headers.Location!);

        using var patchContent = new StreamContent(new ReadOnceStream(data));
        patchContent.Headers.ContentType = new("application/octet-stream");
        using var patch = await client.PatchAsync(location, patchContent, ct);
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        location = new Uri(registry, patch.Headers.Location!);

        var separator = location.Query.Length > 0 ? "&" : "?";
        using var put = await client.PutAsync(new Uri(location + separator + "digest=" + Uri.EscapeDataString(digest)), null, ct);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return digest;
    }

    public static async Task<byte[]> GetBlobAsync(HttpClient client, Uri registry, string repository, string digest, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(registry, $"/v2/{repository}/blobs/{digest}"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>An htpasswd file with one bcrypt line made by <c>htpasswd -nbB</c> (apache2-utils); skips the test when it is missing.</summary>
    public static string WriteHtpasswd(string folder, string user, string password)
    {
        if (!Htpasswd.IsAvailable) Assert.Skip("htpasswd is not installed (apt-get install apache2-utils)");
        return Htpasswd.Write(folder, user, password);
    }

    public static string HtpasswdYaml(string file) => Htpasswd.AuthYaml(file);

    public static void RequireRegistry()
    {
        if (!LocalRegistry.IsAvailable) Assert.Skip("docker-registry is not installed (apt-get install docker-registry)");
    }
}
