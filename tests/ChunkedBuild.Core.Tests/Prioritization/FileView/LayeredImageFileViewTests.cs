using Xunit;
using static ChunkedBuild.Core.Tests.Prioritization.TarListing;
using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Tests.Prioritization.FileView;

public class LayeredImageFileViewTests
{
    private static LayeredImageFileView Image(params IEnumerable<Core.Tar.TarEntryInfo>[] layers) =>
        LayeredImageFileView.FromLayers(layers, (file, max) => System.Text.Encoding.UTF8.GetBytes($"{file.LayerIndex}:{file.EntryName}"));

    [Fact]
    public void Later_layers_overwrite_and_whiteouts_delete_lower_versions()
    {
        var view = Image(
            [Dir("./"), Dir("./app/"), File("./app/a.dll"), File("./app/b.dll"), Dir("./app/docs/"), File("./app/docs/x.md"), File("./etc/os-release")],
            [File("app/a.dll"), File("app/.wh.b.dll"), File("app/docs/.wh..wh..opq"), File("app/docs/y.md"), File("etc/.wh.os-release")],
            [File("/app/c.dll"), File("/etc/os-release")]);

        Assert.Equal(3, view.LayerCount);
        Assert.Equal(1, view.Find("/app/a.dll")!.LayerIndex);
        Assert.Equal("app/a.dll", view.Find("/app/a.dll")!.EntryName);
        Assert.Null(view.Find("/app/b.dll"));
        Assert.Null(view.Find("/app/docs/x.md"));
        Assert.Equal(1, view.Find("/app/docs/y.md")!.LayerIndex);
        Assert.Equal(0, view.Find("/app/docs")!.LayerIndex); // the opaque marker hides content, not the directory
        Assert.Equal(2, view.Find("/etc/os-release")!.LayerIndex);
        Assert.DoesNotContain(view.Files, f => f.Path.Contains(".wh.", StringComparison.Ordinal));
        Assert.Equal(["/app", "/app/docs", "/app/a.dll", "/app/docs/y.md", "/app/c.dll", "/etc/os-release"], view.Files.Select(f => f.Path));
    }

    [Fact]
    public void A_whiteout_removes_a_whole_directory_and_a_file_replacing_a_directory_hides_its_subtree()
    {
        var view = Image(
            [Dir("opt/"), Dir("opt/tool/"), File("opt/tool/bin"), Dir("srv/"), File("srv/a"), File("srvx")],
            [File("opt/.wh.tool"), File("srv")]);
        Assert.Null(view.Find("/opt/tool"));
        Assert.Null(view.Find("/opt/tool/bin"));
        Assert.Null(view.Find("/srv/a"));
        Assert.Equal(ImageFileKind.File, view.Find("/srv")!.Kind);
        Assert.NotNull(view.Find("/srvx")); // a sibling sharing the name prefix survives
    }

    [Fact]
    public void Split_by_layer_uses_each_layers_own_spelling_and_only_final_versions()
    {
        var view = Image(
            [Dir("./usr/"), File("./usr/lib/libc.so"), File("./app/old.dll"), File("./app/a.dll")],
            [File("app/a.dll"), File("app/.wh.old.dll"), HardLink("app/a2.dll", "app/a.dll")],
            [File("/app/new.dll")]);
        var lists = LayerPrioritization.SplitByLayer(
            ["/app/new.dll", "/app/a.dll", "/usr/lib/libc.so", "/app/old.dll", "/missing", "app/a2.dll", "/app/a.dll"], view);
        Assert.Equal(3, lists.Count);
        Assert.Equal(["./usr/lib/libc.so"], lists[0]);
        Assert.Equal(["app/a.dll", "app/a2.dll"], lists[1]);
        Assert.Equal(["/app/new.dll"], lists[2]);
    }

    [Fact]
    public void Symlinks_are_followed_in_every_component_and_files_are_read_through_them()
    {
        var view = Image(
            [Dir("usr/"), Dir("usr/lib/"), Dir("usr/lib/dotnet/"), File("usr/lib/dotnet/dotnet", 5), Symlink("usr/share/dotnet", "../lib/dotnet"),
             Symlink("usr/bin/dotnet", "/usr/share/dotnet/dotnet"), Symlink("loop", "loop")],
            [HardLink("usr/lib/dotnet/dotnet2", "usr/lib/dotnet/dotnet")]);
        Assert.Equal("/usr/lib/dotnet/dotnet", view.ResolvePath("/usr/bin/dotnet"));
        Assert.Equal(ImageFileKind.File, view.Resolve("/usr/share/dotnet/dotnet")!.Kind);
        Assert.Equal("0:usr/lib/dotnet/dotnet"u8.ToArray(), view.ReadSmallFile("/usr/bin/dotnet", 100));
        Assert.Null(view.ReadSmallFile("/usr/bin/dotnet", 4)); // larger than the limit
        Assert.Null(view.ResolvePath("/loop"));
        Assert.Equal("0:usr/lib/dotnet/dotnet"u8.ToArray(), view.ReadSmallFile("/usr/lib/dotnet/dotnet2", 100));
    }
}
