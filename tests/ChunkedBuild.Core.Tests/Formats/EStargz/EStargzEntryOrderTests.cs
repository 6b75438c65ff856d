using System.Text;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.EStargz;

public class EStargzEntryOrderTests
{
    private static TarEntryInfo E(string name, byte type = TarTypeFlag.Regular, string link = "") =>
        new() { Name = name, NameBytes = Encoding.UTF8.GetBytes(name), NameIsUtf8 = true, TypeFlag = type, LinkName = link };

    private static readonly TarEntryInfo[] Tar =
    [
        E("./", TarTypeFlag.Directory),     // 0
        E("./etc/", TarTypeFlag.Directory), // 1
        E("./etc/hosts"),                   // 2
        E("./app/", TarTypeFlag.Directory), // 3
        E("./app/lib/", TarTypeFlag.Directory), // 4
        E("./app/lib/a.dll"),               // 5
        E("./app/main"),                    // 6
        E("./app/link", TarTypeFlag.HardLink, "./etc/hosts"), // 7
        E("./z"),                           // 8
    ];

    [Fact]
    public void Prioritized_entries_come_first_with_their_parents_and_link_targets()
    {
        var order = EStargzEntryOrder.Arrange(Tar, ["/app/main", "app/lib/a.dll", "./app/link"]);
        Assert.Equal([0, 3, 6, 4, 5, 1, 2, 7], order.Prioritized);
        Assert.Equal([8], order.Rest);
        Assert.Empty(order.Missing);
    }

    [Fact]
    public void Missing_paths_are_reported_and_a_missing_parent_directory_is_no_error()
    {
        TarEntryInfo[] tar = [E("a/b/c"), E("d")];
        var order = EStargzEntryOrder.Arrange(tar, ["/nope", "../a/b/c"]);
        Assert.Equal([0], order.Prioritized);
        Assert.Equal([1], order.Rest);
        Assert.Equal(["/nope"], order.Missing);
    }

    [Fact]
    public void A_hard_link_to_a_child_of_itself_does_not_recurse_forever()
    {
        TarEntryInfo[] tar = [E("a/b"), E("a", TarTypeFlag.HardLink, "a/b")];
        var order = EStargzEntryOrder.Arrange(tar, ["a/b"]);
        Assert.Equal([0, 1], order.Prioritized.Order());
    }
}
