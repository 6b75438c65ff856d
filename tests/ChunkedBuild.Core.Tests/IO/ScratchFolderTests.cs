using ChunkedBuild.Core.IO;
using Xunit;

namespace ChunkedBuild.Core.Tests.IO;

/// <summary>
/// Scratch folders tell a live run from a dead one by their OS lock alone: a folder whose lock nobody holds is removed by the next run, a
/// held one is never touched (the kernel's flock conflicts between open files even inside one process, so a second handle stands in for
/// another process here; the tool tests do it with real processes and <c>kill -9</c>).
/// </summary>
public sealed class ScratchFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-scratch-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>What a killed run leaves: its folder, its lock file (released by the kernel), and some partial files.</summary>
    private string DeadRun(string suffix = "")
    {
        var folder = Path.Combine(_root, ScratchFolder.Prefix + Guid.NewGuid().ToString("N") + suffix);
        Directory.CreateDirectory(Path.Combine(folder, "layout", "blobs"));
        File.WriteAllText(Path.Combine(folder, "lock"), "");
        File.WriteAllText(Path.Combine(folder, "layout", "blobs", "partial.part"), "half a blob");
        return folder;
    }

    [Fact]
    public void A_dead_runs_folder_is_removed_and_a_live_runs_folder_is_kept()
    {
        using var live = ScratchFolder.Create(_root);
        File.WriteAllText(live.NewPath("blob", ".tmp"), "in progress");
        var dead = DeadRun();

        using var next = ScratchFolder.Create(_root);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live.Path));
        Assert.Single(Directory.GetFiles(live.Path, "blob-*"));
        Assert.Equal(0, ScratchFolder.RemoveStale(_root));
        live.Dispose();
        Assert.False(Directory.Exists(live.Path));
        Assert.Equal([next.Path], Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_folder_whose_lock_another_handle_holds_is_kept()
    {
        var other = DeadRun();
        using (var held = new FileStream(Path.Combine(other, "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Equal(0, ScratchFolder.RemoveStale(_root));
            Assert.True(Directory.Exists(other));
        }
        Assert.Equal(1, ScratchFolder.RemoveStale(_root));
        Assert.False(Directory.Exists(other));
    }

    [Fact]
    public void A_folder_still_being_created_is_kept_until_it_is_old()
    {
        var pending = DeadRun(".new");
        Assert.Equal(0, ScratchFolder.RemoveStale(_root));
        Directory.SetLastWriteTimeUtc(pending, DateTime.UtcNow.AddHours(-1));
        Assert.Equal(1, ScratchFolder.RemoveStale(_root));
        Assert.False(Directory.Exists(pending));
    }

    [Fact]
    public void Other_files_and_folders_are_never_touched()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".chunkedbuild"));
        Directory.CreateDirectory(Path.Combine(_root, "chunkedbuild-run-x"));
        File.WriteAllText(Path.Combine(_root, ScratchFolder.Prefix + "file"), "");
        using (ScratchFolder.Create(_root)) { }
        Assert.Equal(3, Directory.GetFileSystemEntries(_root).Length);
    }

    [Fact]
    public void Spool_files_have_no_name_once_open()
    {
        using var spool = SpoolFile.Create(_root, 1 << 20, "a test");
        spool.Write(new byte[1000]);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
        spool.Position = 0;
        Assert.Equal(1000, spool.Read(new byte[2000]));
    }
}
