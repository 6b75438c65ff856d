using System.Text.RegularExpressions;

namespace ChunkedBuild.Core.Errors;

/// <summary>
/// The one redaction path for text meant for people (error messages, log lines, the tool's stderr): whatever may be a secret
/// is replaced by <see cref="Mark"/> — the user-info of URLs and image references (<c>user:password@</c>), URL query strings
/// (upload session state, signed storage URLs), the credentials of <c>Basic</c>/<c>Bearer</c> authorization values, and the
/// values of JSON fields that hold secrets (<c>"Secret"</c>, <c>"password"</c>, <c>"token"</c>…). Every
/// <see cref="ChunkedBuildException"/> message passes through it; the edges pass other text they print through it too.
/// </summary>
public static partial class Redaction
{
    /// <summary>What replaces a secret.</summary>
    public const string Mark = "<redacted>";

    /// <summary>A URL as messages show it: <c>scheme://host[:port]/path</c>, without user-info, query or fragment.</summary>
    public static string Url(Uri uri) =>
        uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : Text(uri.OriginalString);

    /// <summary>
    /// An image reference as typed, for messages: user-info before the registry (<c>user:password@host/…</c>, <c>token@host/…</c>)
    /// becomes <see cref="Mark"/>; <c>name@sha256:…</c> (a digest) stays.
    /// </summary>
    public static string Reference(string text)
    {
        var slash = text.IndexOf('/');
        var at = (slash < 0 ? text : text[..slash]).LastIndexOf('@');
        return at < 0 || IsDigestAfter(text, at) ? Text(text) : Mark + Text(text[at..]);
    }

    private static bool IsDigestAfter(string text, int at) => DigestStart().IsMatch(text.AsSpan(at + 1));

    /// <summary><paramref name="text"/> with every secret-looking part replaced by <see cref="Mark"/>; null becomes empty.</summary>
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        // Cheap test first: every pattern needs one of these characters.
        if (text.AsSpan().IndexOfAny("@?:") < 0 && !text.Contains("Basic", StringComparison.OrdinalIgnoreCase) && !text.Contains("Bearer", StringComparison.OrdinalIgnoreCase))
            return text;
        // The query first: the URL it hangs on may still hold user-info, which the next step replaces.
        text = UrlQuery().Replace(text, "${url}?" + Mark);
        text = UrlUserInfo().Replace(text, "${scheme}" + Mark + "@");
        text = ReferenceUserInfo().Replace(text, Mark + "@");
        text = AuthorizationValue().Replace(text, "${scheme} " + Mark);
        return SecretJsonField().Replace(text, "${name}\"" + Mark + "\"");
    }

    [GeneratedRegex("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]")]
    private static partial Regex DigestStart();

    // scheme://<userinfo>@ — everything up to the last '@' before the host's end ('/', '?', '#', whitespace, quotes).
    [GeneratedRegex("""(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#'"<>]+@""")]
    private static partial Regex UrlUserInfo();

    // user:password@host/… without a scheme (an image reference as typed), at the start of a word; not name:tag@sha256:… (a digest).
    [GeneratedRegex("""(?<=^|[\s'"(\[=,])[^\s/?#@'"<>:]+:[^\s/?#'"<>]*@(?!(?:sha256|sha384|sha512):)""")]
    private static partial Regex ReferenceUserInfo();

    // scheme://host/path?query — the query goes (upload state tokens, signed URLs).
    [GeneratedRegex("""(?<url>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s?#'"<>]*)\?[^\s#'"<>]*""")]
    private static partial Regex UrlQuery();

    // "Basic <base64>" / "Bearer <token>": a token68 of 8 or more characters holding a digit or punctuation, so prose such as
    // "Bearer challenge" and challenges such as "Basic realm=…" stay readable.
    [GeneratedRegex("""\b(?<scheme>Basic|Bearer)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/-]{8,}=*(?=$|[\s,;'")\]])""", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    // "Secret": "…", "password": "…", "token": "…" and their kin in JSON someone printed.
    [GeneratedRegex("""(?<name>"(?:secret|password|passwd|token|access_token|refresh_token|identitytoken|registrytoken|auth)"\s*:\s*)"(?:[^"\\]|\\.)*\x22""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretJsonField();
}
