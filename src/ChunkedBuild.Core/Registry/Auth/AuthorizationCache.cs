using System.Net.Http.Headers;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>One cached authorization: the header to send, the scopes a Bearer token was granted for, and when it expires.</summary>
/// <param name="Header">The <c>Authorization</c> header value (holds a secret: never print it).</param>
/// <param name="Scopes">The scopes the token was requested for (empty for Basic, which covers everything).</param>
/// <param name="ExpiresAt">When to stop using it; <see cref="DateTimeOffset.MaxValue"/> for Basic.</param>
/// <param name="Origin">Where the credentials came from (for messages).</param>
internal sealed record CachedAuthorization(AuthenticationHeaderValue Header, IReadOnlyList<RegistryScope> Scopes, DateTimeOffset ExpiresAt, string Origin)
{
    public bool IsBasic => Header.Scheme == "Basic";

    public string ScopeText => Scopes.Count == 0 ? "(registry)" : string.Join(' ', Scopes);
}

/// <summary>
/// The per-handler cache of authorizations: Bearer tokens keyed by (registry, scopes) with their expiry, and at most one Basic
/// header per registry. Thread-safe; owned by one <see cref="RegistryAuthHandler"/> (no static state).
/// </summary>
internal sealed class AuthorizationCache(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Registry, string Scopes), CachedAuthorization> _tokens = new();
    private readonly Dictionary<string, CachedAuthorization> _basic = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An unexpired authorization usable for <paramref name="target"/> without asking the registry first, or null.</summary>
    public CachedAuthorization? Find(RegistryRequestTarget target)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_basic.TryGetValue(target.Registry, out var basic)) return basic;
            CachedAuthorization? best = null;
            foreach (var ((registry, _), entry) in _tokens)
            {
                if (!string.Equals(registry, target.Registry, StringComparison.OrdinalIgnoreCase) || entry.ExpiresAt <= now) continue;
                var covers = target.Scope is null
                    || entry.Scopes.Any(s => s.Covers(target.Scope.ResourceType, target.Scope.Name, target.Action));
                if (covers && (best is null || entry.ExpiresAt > best.ExpiresAt)) best = entry;
            }
            return best;
        }
    }

    /// <summary>The unexpired token for exactly these scopes, or null.</summary>
    public CachedAuthorization? FindExact(string registry, IReadOnlyList<RegistryScope> scopes)
    {
        lock (_lock)
        {
            return _tokens.TryGetValue((registry, Key(scopes)), out var e) && e.ExpiresAt > time.GetUtcNow() ? e : null;
        }
    }

    public void StoreToken(string registry, CachedAuthorization entry)
    {
        lock (_lock) _tokens[(registry, Key(entry.Scopes))] = entry;
    }

    public void StoreBasic(string registry, CachedAuthorization entry)
    {
        lock (_lock) _basic[registry] = entry;
    }

    /// <summary>Forgets <paramref name="entry"/> (the registry rejected it).</summary>
    public void Remove(string registry, CachedAuthorization entry)
    {
        lock (_lock)
        {
            if (_basic.TryGetValue(registry, out var b) && ReferenceEquals(b, entry)) _basic.Remove(registry);
            var key = (registry, Key(entry.Scopes));
            if (_tokens.TryGetValue(key, out var t) && ReferenceEquals(t, entry)) _tokens.Remove(key);
        }
    }

    private static string Key(IReadOnlyList<RegistryScope> scopes) =>
        string.Join(' ', scopes.Select(s => s.ToString()).Order(StringComparer.Ordinal));
}
