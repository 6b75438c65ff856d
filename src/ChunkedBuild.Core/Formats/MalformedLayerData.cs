namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The exceptions that reading a damaged or hostile lazy layer (footer, TOC, tar-split, frames, members) raises from the libraries
/// underneath: the validators turn them into a failure line and <see cref="LayerToc"/> into CHB1301, so such a blob is reported, never a
/// crash. One list for all of them.
/// </summary>
internal static class MalformedLayerData
{
    /// <summary>True when <paramref name="e"/> means "this blob is malformed".</summary>
    public static bool Is(Exception e) =>
        e is Errors.ChunkedBuildException or FormatException or InvalidDataException or IOException or System.Text.Json.JsonException
            or ZstdSharp.ZstdException or InvalidOperationException or ArgumentException or OverflowException;
}
