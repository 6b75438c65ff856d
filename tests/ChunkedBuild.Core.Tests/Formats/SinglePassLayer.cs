using System.Formats.Tar;

namespace ChunkedBuild.Core.Tests.Formats;

/// <summary>
/// The layer the one-pass validator tests convert: a directory, a runtimeconfig, a multi-chunk file of random bytes with a zero hole, a
/// file of zeros, an empty file, a long name (PAX), a symlink, a hard link and a last file of random bytes; sizes and seed per test.
/// </summary>
internal static class SinglePassLayer
{
    /// <summary>The tar, deterministic for its arguments (random bytes drawn from <paramref name="seed"/> in file order).</summary>
    public static byte[] Tar(int seed, int dllHead, int dllTail, int zeros, string lastName, int lastSize)
    {
        var random = new Random(seed);
        byte[] Random(int n) { var b = new byte[n]; random.NextBytes(b); return b; }
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            void File(string name, byte[] content) => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(content), ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            });
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/"));
            File("app/app.runtimeconfig.json", """{"runtimeOptions":{"tfm":"net10.0"}}"""u8.ToArray());
            File("app/app.dll", [.. Random(dllHead), .. new byte[16384], .. Random(dllTail)]);
            File("app/zeros.bin", new byte[zeros]);
            File("app/empty", []);
            File("app/" + new string('n', 150) + ".txt", "a long name\n"u8.ToArray());
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "app/current") { LinkName = "app.dll" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "app/again.dll") { LinkName = "app/app.dll" });
            File("app/" + lastName, Random(lastSize));
        }
        return ms.ToArray();
    }
}
