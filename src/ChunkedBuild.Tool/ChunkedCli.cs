namespace ChunkedBuild.Tool;

/// <summary>The command tree of <c>dotnet chunked</c>.</summary>
public static class ChunkedCli
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args) => throw new NotImplementedException();
}
