using System.Globalization;
using System.Text.RegularExpressions;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// Sizes given on the command line or in <c>chunked.yaml</c>: a whole number of bytes, optionally with a binary unit K, M, G or T
/// (KiB, MiB, GiB, TiB; <c>8G</c>, <c>512MiB</c>, <c>1073741824</c>). Used for <c>--spool-limit</c>.
/// </summary>
public static partial class ByteSize
{
    /// <summary>What <see cref="TryParse"/> accepts, for messages.</summary>
    public const string Form = "a number of bytes, optionally with K, M, G or T (binary units), e.g. 8G";

    /// <summary>Parses <paramref name="text"/>; false when it is not a positive size that fits in 63 bits.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match((text ?? "").Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        var shift = match.Groups["u"].Value.ToUpperInvariant() switch { "K" => 10, "M" => 20, "G" => 30, "T" => 40, _ => 0 };
        if (number < 1 || number > long.MaxValue >> shift) return false;
        bytes = number << shift;
        return true;
    }

    [GeneratedRegex("^(?<n>[0-9]+)(?:(?<u>[KMGTkmgt])(?:i?[Bb])?)?$")]
    private static partial Regex Pattern();
}
