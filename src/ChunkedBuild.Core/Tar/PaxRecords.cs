using System.Globalization;
using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>Parses the records of a PAX extended header: <c>"%d %s=%s\n"</c>, the length counting the whole record.</summary>
internal static class PaxRecords
{
    /// <summary>The prefix of extended-attribute records.</summary>
    public const string XattrPrefix = "SCHILY.xattr.";

    /// <summary>Parses <paramref name="data"/> (the extended header's payload) into (key bytes, value bytes) pairs.</summary>
    public static List<(byte[] Key, byte[] Value)> Parse(ReadOnlySpan<byte> data, long offset)
    {
        var records = new List<(byte[], byte[])>();
        var rest = data;
        while (!rest.IsEmpty)
        {
            // Go tolerates trailing NUL padding after the last record.
            if (!rest.ContainsAnyExcept((byte)0)) break;
            var space = rest.IndexOf((byte)' ');
            if (space <= 0 || space > 20) throw Bad(offset, "a record does not start with its length");
            if (!long.TryParse(Encoding.ASCII.GetString(rest[..space]), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > rest.Length)
                throw Bad(offset, "a record length is invalid");
            var record = rest[(space + 1)..(int)length];
            rest = rest[(int)length..];
            if (record.IsEmpty || record[^1] != (byte)'\n') throw Bad(offset, "a record does not end with a newline");
            record = record[..^1];
            var eq = record.IndexOf((byte)'=');
            if (eq <= 0) throw Bad(offset, "a record has no key");
            var key = record[..eq].ToArray();
            var value = record[(eq + 1)..].ToArray();
            if (key.Contains((byte)0)) throw Bad(offset, "a record key contains NUL");
            records.Add((key, value));
        }
        return records;
    }

    private static ChunkedBuildException Bad(long offset, string what) =>
        new(ErrorCodes.TarBadPaxRecord, $"PAX extended header at tar offset {offset}: {what}");
}
