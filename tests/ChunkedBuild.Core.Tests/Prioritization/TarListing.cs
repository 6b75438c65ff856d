using System.Text;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Tests.Prioritization;

/// <summary>Builds <see cref="TarEntryInfo"/> listings for layer tests.</summary>
internal static class TarListing
{
    public static TarEntryInfo File(string name, long size = 1) => Entry(name, TarTypeFlag.Regular, size);
    public static TarEntryInfo Dir(string name) => Entry(name, TarTypeFlag.Directory);
    public static TarEntryInfo Symlink(string name, string target) => Entry(name, TarTypeFlag.Symlink, link: target);
    public static TarEntryInfo HardLink(string name, string target) => Entry(name, TarTypeFlag.HardLink, link: target);

    private static TarEntryInfo Entry(string name, byte type, long size = 0, string link = "") => new()
    {
        Name = name,
        NameBytes = Encoding.UTF8.GetBytes(name),
        NameIsUtf8 = true,
        TypeFlag = type,
        Size = size,
        LinkName = link,
    };
}
