namespace ChunkedBuild.Testing.Corpus;

/// <summary>Creates planned entries as real files under a root folder, with exact owners, modes, xattrs and ns times.</summary>
internal static class FileSystemMaterializer
{
    /// <summary>
    /// Creates every entry (at <c>root/spec name</c>), then sets metadata children-first so that creating a child
    /// never disturbs a directory's mtime. Adds to <paramref name="notes"/> what the machine could not reproduce.
    /// </summary>
    public static void Write(IReadOnlyList<PlannedEntry> entries, string root, FileSystemCapabilities caps, List<string> notes)
    {
        Directory.CreateDirectory(root);
        foreach (var planned in entries)
        {
            var e = planned.Spec;
            var path = PathOf(root, e.Name);
            switch (e.Kind)
            {
                case TarEntryKind.Directory: Directory.CreateDirectory(path); break;
                case TarEntryKind.File when e.Content.DataRegions is { } regions: WriteSparse(path, e.Content.Length, regions); break;
                case TarEntryKind.File: File.WriteAllBytes(path, e.Content.GetBytes()); break;
                case TarEntryKind.Symlink: LinuxNative.MakeSymlink(e.LinkTarget!, path); break;
                case TarEntryKind.HardLink: LinuxNative.MakeHardLink(PathOf(root, e.LinkTarget!), path); break;
                case TarEntryKind.Fifo: LinuxNative.MakeFifo(path, e.Mode); break;
                case TarEntryKind.CharDevice or TarEntryKind.BlockDevice:
                    var rc = LinuxNative.MakeDevice(path, e.Kind == TarEntryKind.BlockDevice, e.Mode, e.DevMajor, e.DevMinor);
                    if (rc != 0) throw new IOException($"mknod '{path}' failed with errno {rc}");
                    break;
            }
        }
        if (caps.XattrsReason is not null && entries.Any(p => p.Spec.Xattrs.Count > 0)) notes.Add($"xattrs not written: {caps.XattrsReason}");
        if (caps.OwnersReason is not null) notes.Add($"owners not set: {caps.OwnersReason}");
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var e = entries[i].Spec;
            // A hard link shares its target's inode: the target's own metadata is what the producer stores.
            if (e.Kind == TarEntryKind.HardLink) continue;
            var path = PathOf(root, e.Name);
            if (caps.XattrsReason is null && e.Kind != TarEntryKind.Symlink)
            {
                foreach (var (name, value) in e.Xattrs)
                {
                    var rc = LinuxNative.SetXattr(path, name, value);
                    if (rc != 0) throw new IOException($"lsetxattr {name} on '{path}' failed with errno {rc}");
                }
            }
            if (caps.OwnersReason is null)
            {
                var rc = LinuxNative.SetOwner(path, e.Uid, e.Gid);
                if (rc != 0) throw new IOException($"lchown '{path}' failed with errno {rc}");
            }
            // chmod after chown: chown clears set-id bits.
            if (e.Kind != TarEntryKind.Symlink) LinuxNative.SetMode(path, e.Mode);
            LinuxNative.SetTimes(path, e.ModTime.Seconds, e.ModTime.Nanoseconds);
        }
    }

    /// <summary>Writes only the data regions (seeking over the holes) and sets the length: the file system keeps the holes.</summary>
    private static void WriteSparse(string path, long length, IReadOnlyList<(long Offset, TarContent Data)> regions)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        foreach (var (offset, data) in regions)
        {
            file.Position = offset;
            file.Write(data.GetBytes());
        }
        file.SetLength(length);
    }

    private static string PathOf(string root, string specName) => Path.Combine(root, specName.TrimEnd('/'));
}
