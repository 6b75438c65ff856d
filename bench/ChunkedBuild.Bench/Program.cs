using ChunkedBuild.Bench;

return await BenchProgram.RunAsync(args);
