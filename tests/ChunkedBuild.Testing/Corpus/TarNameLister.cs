using System.Buffers.Binary;
using System.Text;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>A name and link target as a tar header chain states them.</summary>
/// <param name="Name">The effective name (PAX <c>path</c>, GNU <c>L</c>, or ustar prefix + name).</param>
/// <param name="LinkName">The effective link target (PAX <c>linkpath</c>, GNU <c>K</c>, or the header field).</param>
/// <param name="TypeFlag">The typeflag of the entry's main header.</param>
public sealed record ListedTarName(string Name, string LinkName, char TypeFlag);

/// <summary>
/// A minimal, independent tar header walker for tests: effective names of every entry, honouring PAX path records,
/// GNU long names and the ustar prefix field. (System.Formats.Tar ignores the ustar prefix of PAX-format entries,
/// which bsdtar uses for names up to 255 bytes.)
/// </summary>
public static class TarNameLister
{
    /// <summary>Lists the entries of the tar at <paramref name="path"/> in archive order.</summary>
    public static IReadOnlyList<ListedTarName> List(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var result = new List<ListedTarName>();
        string? paxPath = null, paxLink = null, gnuName = null, gnuLink = null;
        for (var at = 0; at + 512 <= bytes.Length;)
        {
            var header = bytes.AsSpan(at, 512);
            if (!header.ContainsAnyExcept((byte)0)) break;
            var size = ParseNumber(header.Slice(124, 12));
            var flag = (char)header[156];
            var payload = bytes.AsSpan(at + 512, (int)size);
            at += 512 + (int)((size + 511) / 512 * 512);
            switch (flag)
            {
                case 'x':
                    foreach (var (k, v) in ParsePax(payload))
                    {
                        if (k == "path") paxPath = v;
                        else if (k == "linkpath") paxLink = v;
                    }
                    continue;
                case 'g':
                    continue;
                case 'L':
                    gnuName = CString(payload);
                    continue;
                case 'K':
                    gnuLink = CString(payload);
                    continue;
            }
            var name = CString(header[..100]);
            if (header.Slice(257, 6).SequenceEqual("ustar\0"u8) && CString(header.Slice(345, 155)) is { Length: > 0 } prefix)
                name = prefix + "/" + name;
            result.Add(new ListedTarName(paxPath ?? gnuName ?? name, paxLink ?? gnuLink ?? CString(header.Slice(157, 100)), flag));
            paxPath = paxLink = gnuName = gnuLink = null;
        }
        return result;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0) return BinaryPrimitives.ReadInt64BigEndian(field[^8..]); // base-256
        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
    }

    private static IEnumerable<(string Key, string Value)> ParsePax(ReadOnlySpan<byte> data)
    {
        var records = new List<(string, string)>();
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0) break;
            var length = int.Parse(Encoding.ASCII.GetString(data[..space]), System.Globalization.CultureInfo.InvariantCulture);
            var record = data[(space + 1)..(length - 1)]; // drop the trailing '\n'
            var eq = record.IndexOf((byte)'=');
            records.Add((Encoding.UTF8.GetString(record[..eq]), Encoding.UTF8.GetString(record[(eq + 1)..])));
            data = data[length..];
        }
        return records;
    }
}
