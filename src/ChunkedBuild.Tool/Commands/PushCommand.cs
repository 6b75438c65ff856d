using System.CommandLine;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked push</c>: an image of an OCI layout (folder or tar) to a registry.</summary>
public static class PushCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The OCI layout to push: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], or a bare path." };
        var destination = new Argument<string>("destination") { Description = "The registry reference: docker://<registry>/<repository>[:tag|@digest]." };
        var registry = new RegistryCliOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"reference\",\"digest\",\"mediaType\",\"size\",\"blobsUploaded\",\"blobsSkipped\",\"blobsMounted\",\"bytesUploaded\"} on stdout." };

        var command = new CliCommand("push", "Push an image from an OCI layout to a registry.", $"""
            Blobs the repository has are skipped, blobs are uploaded in
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
            var target = RegistryTransport.ReferenceOf(ImageLocation.Parse(parse.GetValue(destination)!, mustExist: false));
            var from = ImageLocation.Parse(parse.GetValue(source)!, mustExist: true);
            if (from.Kind is not (TransportKind.Oci or TransportKind.OciArchive))
                throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"push reads OCI layouts (oci:, oci-archive:), not '{from}'");
            var layout = new OciLayoutReader(from.Path);
            var root = layout.Resolve(from.Reference);
            if (target.Digest is { } pinned && pinned != root.Digest)
                throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the destination names {pinned}, but the image is {root.Digest}");

            using var logs = Output.CliLogging.Create(CommonOptions.LogLevelOf(parse));
            using var progress = new Output.ImageProgress(logs.CreateLogger("push"), Output.ConsoleMode.IsInteractive);
            var options = registry.ClientOptions(parse, target.Registry, progress);

            RegistryPushStatistics stats;
            await using (var sink = new RegistryImageSink(options, target))
            {
                await LayoutPush.PushAsync(layout, root, sink, target.Tag is { } tag && target.Digest is null ? [tag] : [], cancellationToken);
                stats = sink.Statistics;
            }
            progress.Dispose();
            var pushed = target.WithDigest(root.Digest);
            if (parse.GetValue(json)) Console.Out.WriteLine(Json(target, root, stats));
            else Console.Out.WriteLine(root.Digest.ToString());
            await Console.Error.WriteLineAsync($"pushed {pushed} ({stats.BlobsUploaded} blobs uploaded, {stats.BlobsSkipped} present, {stats.BlobsMounted} mounted, {stats.BytesUploaded} bytes)");
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
