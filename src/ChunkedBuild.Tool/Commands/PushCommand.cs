using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Registry.Auth;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked push</c>: an image of an OCI layout (folder or tar) to a registry.</summary>
public static class PushCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The OCI layout to push: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], or a bare path." };
        var destination = new Argument<string>("destination") { Description = "The registry reference: docker://<registry>/<repository>[:tag|@digest]." };
        var creds = new Option<string?>("--creds") { Description = "Registry credentials as user:password (prefer --password-stdin)." };
        var username = new Option<string?>("--username", "-u") { Description = "Registry user name; the password is read from stdin (--password-stdin)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password (or token) for --username from stdin." };
        var insecure = new Option<bool>("--insecure") { Description = "Allow plain HTTP and unverified TLS for every registry (127.0.0.1/localhost always are; others via DOTNET_CONTAINER_INSECURE_REGISTRIES)." };
        var caFile = new Option<FileInfo?>("--ca-file") { Description = "A PEM file of extra CA certificates to trust for the registry's TLS certificate." };
        var certDir = new Option<DirectoryInfo?>("--cert-dir") { Description = "A folder of extra CA certificates (*.crt, *.pem), like docker's certs.d/<registry>/." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"reference\",\"digest\",\"mediaType\",\"size\",\"blobsUploaded\",\"blobsSkipped\",\"blobsMounted\",\"bytesUploaded\"} on stdout." };

        var command = new Command("push", $"""
            Push an image from an OCI layout to a registry: blobs the repository has are skipped, blobs are uploaded in
            parallel (chunked and resumable when large), manifests after their blobs, the tag last. Prints the pushed
            manifest digest on stdout.

            Examples:
              dotnet chunked push oci:out/app:1.0 docker://ghcr.io/org/app:1.0
              echo "$TOKEN" | dotnet chunked push out/app.tar docker://registry.example.com/app:1.0 -u ci --password-stdin
              dotnet chunked push oci:out/app docker://127.0.0.1:5000/app:latest --json

            {ExitCodes.Help}
            """)
        {
            source, destination, creds, username, passwordStdin, insecure, caFile, certDir, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(creds) is not null && r.GetResult(username) is not null) r.AddError("give --creds or --username, not both");
            if ((r.GetResult(username) is not null) != r.GetValue(passwordStdin)) r.AddError("--username and --password-stdin go together");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = RegistryTransport.ReferenceOf(ImageLocation.Parse(parse.GetValue(destination)!, mustExist: false));
            var from = ImageLocation.Parse(parse.GetValue(source)!, mustExist: true);
            if (from.Kind is not (TransportKind.Oci or TransportKind.OciArchive))
                throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"push reads OCI layouts (oci:, oci-archive:), not '{from}'");
            var layout = new OciLayoutReader(from.Path);
            var root = layout.Resolve(from.Reference);
            if (target.Digest is { } pinned && pinned != root.Digest)
                throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the destination names {pinned}, but the image is {root.Digest}");

            var options = new RegistryClientOptions
            {
                Credentials = Credentials(parse.GetValue(creds), parse.GetValue(username), parse.GetValue(passwordStdin), target.Registry),
                Insecure = parse.GetValue(insecure),
                TrustedRoots = TrustedRoots(parse.GetValue(caFile), parse.GetValue(certDir)),
            }.FromEnvironment(Environment.GetEnvironmentVariable);

            RegistryPushStatistics stats;
            await using (var sink = new RegistryImageSink(new RegistryClient(options), target, ownsClient: true))
            {
                await LayoutPush.PushAsync(layout, root, sink, target.Tag is { } tag && target.Digest is null ? [tag] : [], cancellationToken);
                stats = sink.Statistics;
            }
            var pushed = target.WithDigest(root.Digest);
            if (parse.GetValue(json)) Console.Out.WriteLine(Json(target, root, stats));
            else Console.Out.WriteLine(root.Digest.ToString());
            await Console.Error.WriteLineAsync($"pushed {pushed} ({stats.BlobsUploaded} blobs uploaded, {stats.BlobsSkipped} present, {stats.BlobsMounted} mounted, {stats.BytesUploaded} bytes)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static ICredentialProvider? Credentials(string? creds, string? username, bool passwordStdin, string registry)
    {
        if (creds is not null)
        {
            var colon = creds.IndexOf(':');
            if (colon <= 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "--creds must be user:password");
            return new FlagCredentials(registry, new RegistryCredential { Username = creds[..colon], Password = creds[(colon + 1)..], Origin = "--creds" });
        }
        if (username is not null && passwordStdin)
        {
            var password = Console.In.ReadToEnd().TrimEnd('\r', '\n');
            if (password.Length == 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "--password-stdin read an empty password");
            return new FlagCredentials(registry, new RegistryCredential { Username = username, Password = password, Origin = "--password-stdin" });
        }
        return null;
    }

    private static X509Certificate2Collection? TrustedRoots(FileInfo? caFile, DirectoryInfo? certDir)
    {
        if (caFile is null && certDir is null) return null;
        var roots = new X509Certificate2Collection();
        var files = new List<string>();
        if (caFile is not null) files.Add(caFile.FullName);
        if (certDir is not null)
        {
            if (!certDir.Exists) throw new ChunkedBuildException(ErrorCodes.IoError, $"--cert-dir '{certDir.FullName}' does not exist");
            files.AddRange(certDir.GetFiles("*.crt").Concat(certDir.GetFiles("*.pem")).Select(f => f.FullName).Order(StringComparer.Ordinal));
        }
        foreach (var file in files)
        {
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read CA certificates from '{file}': {e.Message}", innerException: e);
            }
        }
        return roots;
    }

    private static string Json(ImageReference target, Core.Oci.Descriptor root, RegistryPushStatistics stats)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("reference", target.ToString());
            w.WriteString("digest", root.Digest.ToString());
            w.WriteString("mediaType", root.MediaType);
            w.WriteNumber("size", root.Size);
            w.WriteNumber("blobsUploaded", stats.BlobsUploaded);
            w.WriteNumber("blobsSkipped", stats.BlobsSkipped);
            w.WriteNumber("blobsMounted", stats.BlobsMounted);
            w.WriteNumber("bytesUploaded", stats.BytesUploaded);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Credentials given on the command line, for the destination registry only.</summary>
    private sealed class FlagCredentials(string registry, RegistryCredential credential) : ICredentialProvider
    {
        public ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(string.Equals(registryHost, registry, StringComparison.OrdinalIgnoreCase) ? credential : null);
    }
}
