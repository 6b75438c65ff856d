using System.CommandLine;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// <c>dotnet chunked push</c>: an image copied unchanged from any source (an OCI layout, an archive, a registry) to a registry, through
/// the same transports <c>convert</c> uses (<see cref="ImagePush"/>).
/// </summary>
public static class PushCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The image to push: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], docker-archive:<file>[:<ref>], docker://<reference>, or a bare path." };
        var destination = new Argument<string>("destination") { Description = "The registry reference: docker://<registry>/<repository>[:tag|@digest]." };
        var registry = new RegistryCliOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"reference\",\"digest\",\"mediaType\",\"size\",\"blobsUploaded\",\"blobsSkipped\",\"blobsMounted\",\"bytesUploaded\"} on stdout." };

        var command = new CliCommand("push", "Push an image from an OCI layout (or any other source) to a registry.", $"""
            The image is copied unchanged. Blobs the repository has are skipped, blobs are uploaded in
            parallel (chunked and resumable when large), manifests after their blobs, the tag last. Prints the pushed
            manifest digest on stdout.

            Examples:
              dotnet chunked push oci:out/app:1.0 docker://ghcr.io/org/app:1.0
              echo "$TOKEN" | dotnet chunked push out/app.tar docker://registry.example.com/app:1.0 -u ci --password-stdin
              dotnet chunked push oci:out/app docker://127.0.0.1:5000/app:latest --json

            {RegistryCliOptions.Help}
            """)
        {
            source, destination, json,
        };
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var to = parse.GetValue(destination)!;
            var target = RegistryTransport.ReferenceOf(ImageLocation.Parse(to, mustExist: false));
            var from = parse.GetValue(source)!;

            using var logs = Output.CliLogging.Create(CommonOptions.LogLevelOf(parse));
            using var progress = new Output.ImageProgress(logs.CreateLogger("push"), Output.ConsoleMode.IsInteractive);
            var transports = new ImageTransports(registry.Transport(parse, from, to, progress), sourceDateEpoch: null);

            PushResult pushed;
            await using (var image = transports.OpenSource(from))
            await using (var sink = transports.OpenSink(to, out var tag))
            {
                pushed = await ImagePush.CopyAsync(image, sink, tag, cancellationToken);
            }
            progress.Dispose();
            var (root, stats) = (pushed.Root, pushed.Statistics!);
            if (parse.GetValue(json)) Console.Out.WriteLine(Json(target, root, stats));
            else Console.Out.WriteLine(root.Digest.ToString());
            await Console.Error.WriteLineAsync($"pushed {target.WithDigest(root.Digest)} ({stats.BlobsUploaded} blobs uploaded, {stats.BlobsSkipped} present, {stats.BlobsMounted} mounted, {stats.BytesUploaded} bytes)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Json(ImageReference target, Core.Oci.Descriptor root, RegistryPushStatistics stats)
    {
        return Output.JsonText.Object(w =>
        {
            w.WriteString("reference", target.ToString());
            w.WriteString("digest", root.Digest.ToString());
            w.WriteString("mediaType", root.MediaType);
            w.WriteNumber("size", root.Size);
            w.WriteNumber("blobsUploaded", stats.BlobsUploaded);
            w.WriteNumber("blobsSkipped", stats.BlobsSkipped);
            w.WriteNumber("blobsMounted", stats.BlobsMounted);
            w.WriteNumber("bytesUploaded", stats.BytesUploaded);
        });
    }
}
