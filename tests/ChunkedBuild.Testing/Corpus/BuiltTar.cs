namespace ChunkedBuild.Testing.Corpus;

/// <summary>An entry as a producer wrote it: the spec plus the exact archive name and link target.</summary>
/// <param name="Spec">The declared entry.</param>
/// <param name="ArchiveName">The name in the archive (prefix + name; directories keep their trailing '/').</param>
/// <param name="ArchiveLinkTarget">The link target as stored (hard-link targets carry the prefix too).</param>
public sealed record PlannedEntry(TarEntrySpec Spec, string ArchiveName, string? ArchiveLinkTarget);

/// <summary>An entry of the spec that a producer left out, and why.</summary>
/// <param name="Name">The spec name.</param>
/// <param name="Reason">Why the producer cannot write it.</param>
public sealed record OmittedEntry(string Name, string Reason);

/// <summary>A tar written by a producer from a spec.</summary>
/// <param name="Path">The tar file.</param>
/// <param name="Producer">The producer id (e.g. <c>gnu-posix</c>).</param>
/// <param name="Prefix">The name prefix (<c>""</c>, <c>./</c> or <c>/</c>).</param>
/// <param name="Entries">The entries written, in archive order.</param>
/// <param name="Omitted">Spec entries the producer could not write.</param>
/// <param name="Notes">Features the producer degraded (e.g. xattrs dropped, times truncated).</param>
public sealed record BuiltTar(string Path, string Producer, string Prefix, IReadOnlyList<PlannedEntry> Entries,
    IReadOnlyList<OmittedEntry> Omitted, IReadOnlyList<string> Notes)
{
    /// <summary>The first regular file with content that lives in a subdirectory (a good prioritization target).</summary>
    public PlannedEntry FirstNestedFile =>
        Entries.First(e => e.Spec.Kind == TarEntryKind.File && e.Spec.Content.Length > 0 && e.Spec.ParentName is not null);
}

/// <summary>Decides which spec entries a producer writes, under which names.</summary>
public static class TarBuildPlan
{
    /// <summary>
    /// Applies <paramref name="prefix"/> and the limits of <paramref name="dialect"/>; <paramref name="extraOmission"/>
    /// may refuse more entries (e.g. devices when mknod is not permitted). Children of an omitted directory and hard
    /// links to an omitted file are omitted too.
    /// </summary>
    public static (List<PlannedEntry> Kept, List<OmittedEntry> Omitted) Plan(TarSpec spec, string prefix, TarDialect dialect,
        Func<TarEntrySpec, string?>? extraOmission = null)
    {
        var kept = new List<PlannedEntry>();
        var omitted = new List<OmittedEntry>();
        var omittedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in spec.Entries)
        {
            var name = prefix + e.Name;
            var link = e.Kind switch
            {
                TarEntryKind.HardLink => prefix + e.LinkTarget,
                TarEntryKind.Symlink => e.LinkTarget,
                _ => null,
            };
            var reason = e.ParentName is { } parent && omittedNames.Contains(parent) ? $"its parent '{parent}' is omitted"
                : e.Kind == TarEntryKind.HardLink && omittedNames.Contains(e.LinkTarget!) ? $"its target '{e.LinkTarget}' is omitted"
                : dialect.WhyNotRepresentable(e, name, link) ?? extraOmission?.Invoke(e);
            if (reason is null)
            {
                kept.Add(new PlannedEntry(e, name, link));
            }
            else
            {
                omitted.Add(new OmittedEntry(e.Name, reason));
                omittedNames.Add(e.Name);
            }
        }
        return (kept, omitted);
    }
}
