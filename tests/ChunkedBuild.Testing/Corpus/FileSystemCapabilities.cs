namespace ChunkedBuild.Testing.Corpus;

/// <summary>What this machine lets a producer materialize on disk (probed in the producer's scratch folder).</summary>
/// <param name="DevicesReason">Null when mknod of device nodes works, else why not.</param>
/// <param name="XattrsReason">Null when user.* xattrs can be set, else why not.</param>
/// <param name="OwnersReason">Null when files can be given any owner (root), else why not.</param>
public sealed record FileSystemCapabilities(string? DevicesReason, string? XattrsReason, string? OwnersReason)
{
    /// <summary>Tries each operation once in a fresh subfolder of <paramref name="scratch"/>.</summary>
    public static FileSystemCapabilities Probe(string scratch)
    {
        var dir = Path.Combine(scratch, ".probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "f");
            File.WriteAllBytes(file, [1]);
            var dev = LinuxNative.MakeDevice(Path.Combine(dir, "dev"), block: false, TarSpec.Mode600, 1, 3);
            var xattr = LinuxNative.SetXattr(file, "user.chunkedbuild.probe", [0, 0xFF]);
            var owner = LinuxNative.SetOwner(file, 3_000_000, 3_000_001);
            return new FileSystemCapabilities(
                dev == 0 ? null : $"mknod of a device node is not permitted here (errno {dev})",
                xattr == 0 ? null : $"the file system under {scratch} does not take user.* xattrs (errno {xattr})",
                owner == 0 ? null : $"cannot chown files (errno {owner}; not root?)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Null when files under <paramref name="folder"/> keep holes that archivers can find (a file extended without writing
    /// reports no data to <c>SEEK_DATA</c>), else why not: sparse-file producers need it.
    /// </summary>
    public static string? HolesReason(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $".holes-probe-{Guid.NewGuid():N}");
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
            file.SetLength(1 << 20);
            var data = LinuxNative.SeekData(file.SafeFileHandle, 0);
            return data < 0 ? null : $"the file system under {folder} does not report holes (SEEK_DATA found data at {data} in a file that has none)";
        }
        finally
        {
            File.Delete(path);
        }
    }
}
