using ChunkedBuild.Tool;

return await ChunkedCli.RunAsync(args);
