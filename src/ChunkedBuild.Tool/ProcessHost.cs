using ChunkedBuild.Core.Conversion;

namespace ChunkedBuild.Tool;

/// <summary>
/// The process as Core sees it, read by the tool (an edge) for each command: the variables through <see cref="Environment.GetEnvironmentVariable(string)"/>
/// and the folders the system names (<see cref="HostFolders"/>). Core reads neither itself.
/// </summary>
internal static class ProcessHost
{
    /// <summary>The user's home folder as the system names it (for when <c>HOME</c> is unset).</summary>
    public static string UserProfile => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Reads the environment and the folders.</summary>
    /// <exception cref="Core.Errors.ChunkedBuildException">CHB9001 for a variable set to a value it cannot take.</exception>
    public static HostEnvironment Read() => HostEnvironment.From(Environment.GetEnvironmentVariable,
        new HostFolders(Path.GetTempPath(), UserProfile, Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)));
}
