namespace ChunkedBuild.Tool.Output;

/// <summary>Whether stderr is a live terminal that can show redrawn progress bars (not redirected, not CI, not a dumb terminal).</summary>
public static class ConsoleMode
{
    /// <summary>True when progress may be drawn with cursor movement.</summary>
    public static bool IsInteractive =>
        !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";
}
