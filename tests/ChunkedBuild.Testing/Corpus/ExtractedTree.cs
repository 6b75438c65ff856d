using System.Security.Cryptography;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>One file-system object as an extraction left it.</summary>
/// <param name="Path">Relative path, '/'-separated.</param>
/// <param name="Type">find's <c>%y</c>: f (regular file), d, l, p, c, b, s.</param>
/// <param name="Mode">Permission bits in octal (find's <c>%m</c>).</param>
/// <param name="ModifiedTime">Modification time, seconds and fraction (find's <c>%T@</c>).</param>
/// <param name="Owner">uid:gid.</param>
/// <param name="Size">Length of a regular file (0 otherwise).</param>
/// <param name="Sha256">Content digest of a regular file (null otherwise).</param>
/// <param name="LinkTarget">Target of a symlink (empty otherwise).</param>
public sealed record ExtractedFile(string Path, char Type, string Mode, string ModifiedTime, string Owner, long Size, string? Sha256, string LinkTarget);

/// <summary>
/// GNU tar as the reference extractor: what <c>tar -x</c> makes of an archive (sparse entries included, holes read back as zeros),
/// listed with find and hashed, so two archives can be compared by what a user gets from them.
/// </summary>
public static class ExtractedTree
{
    /// <summary>Extracts <paramref name="tarPath"/> into the new folder <paramref name="folder"/> with GNU tar and lists the result.</summary>
    public static IReadOnlyList<ExtractedFile> Extract(string tarPath, string folder)
    {
        Directory.CreateDirectory(folder);
        var r = ProcessRunner.Run("tar", ["--extract", "--file", tarPath, "--directory", folder, "--numeric-owner", "--delay-directory-restore"]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"tar --extract --file {tarPath} exited {r.ExitCode}: {r.StdErr}");
        return List(folder);
    }

    /// <summary>Every object under <paramref name="folder"/> (not the folder itself), sorted by path.</summary>
    public static IReadOnlyList<ExtractedFile> List(string folder)
    {
        var r = ProcessRunner.Run("find", [folder, "-mindepth", "1", "-printf", "%P\\0%y\\0%m\\0%T@\\0%U:%G\\0%s\\0%l\\0"]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"find {folder} exited {r.ExitCode}: {r.StdErr}");
        var fields = r.StdOut.Split('\0');
        var result = new List<ExtractedFile>();
        for (var i = 0; i + 7 <= fields.Length; i += 7)
        {
            var (path, type) = (fields[i], fields[i + 1][0]);
            string? sha = null;
            long size = 0;
            if (type == 'f')
            {
                using var stream = File.OpenRead(System.IO.Path.Combine(folder, path));
                sha = Convert.ToHexStringLower(SHA256.HashData(stream));
                size = long.Parse(fields[i + 5], System.Globalization.CultureInfo.InvariantCulture);
            }
            result.Add(new ExtractedFile(path, type, fields[i + 2], fields[i + 3], fields[i + 4], size, sha, fields[i + 6]));
        }
        return [.. result.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }
}
