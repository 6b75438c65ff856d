namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// A token scope of the distribution token protocol: <c>type:name:actions</c>, e.g. <c>repository:library/alpine:pull,push</c>
/// or <c>registry:catalog:*</c>. The name may itself hold colons (the first and the last colon split the three parts).
/// </summary>
public sealed record RegistryScope
{
    /// <summary>The resource type that repository requests use.</summary>
    public const string RepositoryType = "repository";

    /// <summary>The pull action.</summary>
    public const string Pull = "pull";

    /// <summary>The push action.</summary>
    public const string Push = "push";

    /// <summary>Creates a scope.</summary>
    public RegistryScope(string resourceType, string name, IEnumerable<string> actions)
    {
        ResourceType = resourceType;
        Name = name;
        Actions = actions.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The resource type (<c>repository</c>, <c>registry</c>, or with a class as in <c>repository(plugin)</c>).</summary>
    public string ResourceType { get; }

    /// <summary>The resource name (a repository path, or <c>catalog</c>).</summary>
    public string Name { get; }

    /// <summary>The actions, sorted and distinct (<c>pull</c>, <c>push</c>, <c>delete</c>, <c>*</c>).</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>The scope for <paramref name="repository"/>: pull, or pull and push (docker asks for both when pushing).</summary>
    public static RegistryScope ForRepository(string repository, bool push) =>
        new(RepositoryType, repository, push ? [Pull, Push] : [Pull]);

    /// <summary>Parses <c>type:name:actions</c>; null when the text has fewer than three parts.</summary>
    public static RegistryScope? TryParse(string text)
    {
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (first <= 0 || last == first) return null;
        return new RegistryScope(text[..first], text[(first + 1)..last], text[(last + 1)..].Split(','));
    }

    /// <summary>Parses the space-separated scopes of a challenge's <c>scope</c> parameter, skipping malformed ones.</summary>
    public static IReadOnlyList<RegistryScope> ParseList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(TryParse).OfType<RegistryScope>().ToArray();

    /// <summary>Whether this scope grants <paramref name="action"/> on <paramref name="resourceType"/> <paramref name="name"/>.</summary>
    public bool Covers(string resourceType, string name, string action) =>
        ResourceType == resourceType && Name == name && (Actions.Contains(action) || Actions.Contains("*"));

    /// <summary>Whether this scope grants every action of <paramref name="other"/> on the same resource.</summary>
    public bool Covers(RegistryScope other) => other.Actions.All(a => Covers(other.ResourceType, other.Name, a));

    /// <summary>The wire form <c>type:name:a,b</c>.</summary>
    public override string ToString() => $"{ResourceType}:{Name}:{string.Join(",", Actions)}";

    /// <inheritdoc />
    public bool Equals(RegistryScope? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
