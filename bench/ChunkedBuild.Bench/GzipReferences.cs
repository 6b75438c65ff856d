namespace ChunkedBuild.Bench;

/// <summary>
/// The gzip references: Debian's <c>libdeflate-gzip -6</c> over the two halves of the tar at once (two processes, the
/// two-core limit of gzip members: the eStargz target is stated against it) and over the whole tar (one core), and
/// <c>pigz -6 -p2</c> (zlib). Install them with <c>apt-get install libdeflate-tools pigz</c>.
/// </summary>
internal static class GzipReferences
{
    /// <summary>The halves of <paramref name="tar"/> (split at its middle byte) written into <paramref name="folder"/>, untimed.</summary>
    public static (string First, string Second) Halves(string tar, string folder)
    {
        var first = Path.Combine(folder, "half-1");
        var second = Path.Combine(folder, "half-2");
        using var input = File.OpenRead(tar);
        var middle = input.Length / 2;
        using (var a = File.Create(first)) CopyBytes(input, a, middle);
        using (var b = File.Create(second)) input.CopyTo(b);
        return (first, second);
    }

    /// <summary>The three writers (n/a rows with the apt package to install when a program is missing).</summary>
    public static IEnumerable<BenchWriter> Writers((string First, string Second) halves)
    {
        var libdeflate = ReferenceTools.Find("libdeflate-gzip");
        const string noLibdeflate = "libdeflate-gzip not on PATH (apt-get install libdeflate-tools)";
        // Both halves at once; the row's time ends when the slower one ends, its size is the sum of both outputs.
        yield return BenchWriter.Reference(Names.LibDeflateTwoCores, libdeflate is null ? null : "/bin/sh", noLibdeflate,
            (_, output) => ["-c", """ "$0" -6 -c "$1" > "$3" & a=$!; "$0" -6 -c "$2" > "$4" & b=$!; wait $a && wait $b""",
                libdeflate!, halves.First, halves.Second, output + ".1", output + ".2"]) with { OutputFiles = output => [output + ".1", output + ".2"] };
        yield return BenchWriter.Reference(Names.LibDeflateOneCore, libdeflate is null ? null : "/bin/sh", noLibdeflate,
            (input, output) => ["-c", """exec "$0" -6 -c "$1" > "$2" """, libdeflate!, input, output]);
        yield return BenchWriter.Reference(Names.Pigz, ReferenceTools.Find("pigz") is null ? null : "/bin/sh", "pigz not on PATH (apt-get install pigz)",
            (input, output) => ["-c", """exec pigz -6 -p2 -c "$0" > "$1" """, input, output]);
    }

    private static void CopyBytes(Stream from, Stream to, long count)
    {
        var buffer = new byte[1 << 20];
        while (count > 0)
        {
            var n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) throw new EndOfStreamException();
            to.Write(buffer, 0, n);
            count -= n;
        }
    }
}
