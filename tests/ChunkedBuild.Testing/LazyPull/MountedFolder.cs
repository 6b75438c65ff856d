using System.Text.RegularExpressions;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>A folder that daemons mounted things under (FUSE layers, overlays, a storage driver's private bind mount).</summary>
public static partial class MountedFolder
{
    /// <summary>Lazily unmounts every mount below <paramref name="folder"/> (deepest first, <c>umount -l</c>), then deletes the folder.</summary>
    public static void Delete(string folder)
    {
        var prefix = folder.TrimEnd('/') + "/";
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2).Select(f => Unescape(f[1]))
            .Where(m => m.StartsWith(prefix, StringComparison.Ordinal) || m == folder.TrimEnd('/')).Distinct().OrderByDescending(m => m.Length).ToList();
        foreach (var mount in mounts) ProcessRunner.Run("umount", ["-l", mount], timeout: TimeSpan.FromMinutes(1));
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Undoes /proc/mounts' octal escapes (<c>\040</c> for a space, …).</summary>
    private static string Unescape(string field) => OctalEscape().Replace(field, m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex OctalEscape();
}
