using System.Runtime.InteropServices;

namespace ChunkedBuild.Core.IO;

/// <summary>Hard links for immutable blobs: a converted layer in the cache and in an output layout can share one inode.</summary>
public static class FileLinks
{
    /// <summary>Links <paramref name="destination"/> to <paramref name="source"/> when the OS and file system allow it, else copies it.</summary>
    public static void LinkOrCopy(string source, string destination)
    {
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && TryLink(source, destination)) return;
        File.Copy(source, destination, overwrite: false);
    }

    private static bool TryLink(string source, string destination)
    {
        try
        {
            return link(source, destination) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the Core free of unsafe code; string marshalling here is plain UTF-8 paths.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int link(string oldpath, string newpath);
#pragma warning restore SYSLIB1054
}
