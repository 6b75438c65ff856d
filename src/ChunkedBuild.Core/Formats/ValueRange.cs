using System.Numerics;

namespace ChunkedBuild.Core.Formats;

/// <summary>The values an option of a format accepts, both ends included, and the one used when none is given.</summary>
/// <param name="Min">The smallest accepted value.</param>
/// <param name="Max">The largest accepted value.</param>
/// <param name="Default">The value used when the option is not given.</param>
public sealed record ValueRange<T>(T Min, T Max, T Default) where T : struct, INumber<T>
{
    /// <summary>Whether <paramref name="value"/> lies in [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public bool Contains(T value) => value >= Min && value <= Max;
}
