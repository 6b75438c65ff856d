namespace ChunkedBuild.Core.Tar;

/// <summary>One extended attribute carried by a PAX <c>SCHILY.xattr.&lt;key&gt;</c> record.</summary>
/// <param name="Key">The attribute name (record name minus the <c>SCHILY.xattr.</c> prefix), decoded as UTF-8.</param>
/// <param name="KeyIsUtf8">False when the raw key bytes are not valid UTF-8 (chunked formats refuse such entries).</param>
/// <param name="Value">The raw value bytes.</param>
public sealed record TarXattr(string Key, bool KeyIsUtf8, byte[] Value);
