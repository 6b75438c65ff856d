using ChunkedBuild.Core.Conversion;

namespace ChunkedBuild.Tasks;

/// <summary>
/// The build process as Core sees it, read by the tasks (an edge): the variables through <see cref="Environment.GetEnvironmentVariable(string)"/>
/// and the folders the system names (<see cref="HostFolders"/>). Core reads neither itself.
/// </summary>
internal static class TaskHost
{
    /// <summary>Reads the environment and the folders.</summary>
    /// <exception cref="Core.Errors.ChunkedBuildException">CHB9001 for a variable set to a value it cannot take.</exception>
    public static HostEnvironment Read() => HostEnvironment.From(Environment.GetEnvironmentVariable, new HostFolders(Path.GetTempPath(),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)));
}
