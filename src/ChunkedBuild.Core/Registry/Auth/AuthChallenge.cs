using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 7235 §4.1): a scheme (<c>Basic</c>, <c>Bearer</c>) with either
/// auth-params (<c>realm="…", service="…"</c>) or a token68. A header may carry several challenges separated by commas.
/// </summary>
public sealed class AuthChallenge
{
    private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters, string? token68)
    {
        Scheme = scheme;
        Parameters = parameters;
        Token68 = token68;
    }

    /// <summary>The auth scheme as sent (compare case-insensitively).</summary>
    public string Scheme { get; }

    /// <summary>The auth-params, names compared case-insensitively, quoted values unescaped.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The token68 form of the credentials part, when the challenge used it instead of auth-params.</summary>
    public string? Token68 { get; }

    /// <summary>Whether the scheme is <paramref name="scheme"/> (case-insensitive).</summary>
    public bool Is(string scheme) => string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of parameter <paramref name="name"/>, or null.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    /// <inheritdoc />
    public override string ToString() =>
        Token68 is not null ? $"{Scheme} {Token68}" : $"{Scheme} {string.Join(",", Parameters.Select(p => $"{p.Key}=\"{p.Value}\""))}";

    /// <summary>Parses every challenge of every header value (each value may hold several challenges).</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.RegistryChallengeUnsupported"/> when a value is malformed.</exception>
    public static IReadOnlyList<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
    {
        var all = new List<AuthChallenge>();
        foreach (var value in headerValues) all.AddRange(Parse(value));
        return all;
    }

    /// <summary>Parses one <c>WWW-Authenticate</c> header value into its challenges.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.RegistryChallengeUnsupported"/> when the value is malformed.</exception>
    public static IReadOnlyList<AuthChallenge> Parse(string headerValue)
    {
        var parser = new Parser(headerValue);
        return parser.ParseChallenges();
    }

    /// <summary>A cursor over one header value following RFC 7235's grammar, lenient where registries are known to stray
    /// (unquoted values holding <c>:</c> or <c>/</c>, such as a bare realm URL).</summary>
    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public List<AuthChallenge> ParseChallenges()
        {
            var result = new List<AuthChallenge>();
            while (true)
            {
                SkipWhitespaceAndCommas();
                if (AtEnd) return result;
                var scheme = ReadToken();
                if (scheme.Length == 0) throw Malformed("expected an auth scheme");
                result.Add(ParseRest(scheme));
            }
        }

        private bool AtEnd => _pos >= _text.Length;

        private AuthChallenge ParseRest(string scheme)
        {
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var afterScheme = _pos;
            SkipSpaces();
            if (AtEnd || _text[_pos] == ',') return new AuthChallenge(scheme, parameters, null);
            if (_pos == afterScheme) throw Malformed($"expected a space after the scheme '{scheme}'");

            // token68 ("Negotiate abc", "Basic dXNlcg==") versus auth-params ("realm=…"): a token68 is one word, optionally
            // '='-padded, followed by the end or a comma; anything else is read as auth-params.
            var start = _pos;
            var word = ReadToken68Chars();
            while (!AtEnd && _text[_pos] == '=') _pos++;
            var token68End = _pos;
            SkipSpaces();
            if (word.Length > 0 && (AtEnd || _text[_pos] == ','))
                return new AuthChallenge(scheme, parameters, _text[start..token68End]);
            _pos = start;

            while (true)
            {
                var paramName = ReadToken();
                if (paramName.Length == 0) throw Malformed($"expected an auth-param name in the '{scheme}' challenge");
                SkipSpaces();
                if (AtEnd || _text[_pos] != '=') throw Malformed($"expected '=' after auth-param '{paramName}'");
                _pos++;
                SkipSpaces();
                var value = !AtEnd && _text[_pos] == '"' ? ReadQuoted() : ReadBareValue();
                parameters[paramName] = value;

                // After a param: end, or a comma followed by another param or by the next challenge's scheme.
                SkipSpaces();
                if (AtEnd) break;
                if (_text[_pos] != ',') throw Malformed($"unexpected '{_text[_pos]}' after auth-param '{paramName}'");
                SkipWhitespaceAndCommas();
                if (AtEnd) break;
                var mark = _pos;
                var next = ReadToken();
                SkipSpaces();
                var isParam = next.Length > 0 && !AtEnd && _text[_pos] == '=';
                _pos = mark;
                if (!isParam) break;
            }
            return new AuthChallenge(scheme, parameters, null);
        }

        private string ReadToken()
        {
            var start = _pos;
            while (!AtEnd && IsTChar(_text[_pos])) _pos++;
            return _text[start.._pos];
        }

        private string ReadToken68Chars()
        {
            var start = _pos;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '-' or '.' or '_' or '~' or '+' or '/')) _pos++;
            return _text[start.._pos];
        }

        private string ReadQuoted()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw Malformed("unterminated quoted-string");
                var c = _text[_pos++];
                if (c == '"') return sb.ToString();
                if (c == '\\')
                {
                    if (AtEnd) throw Malformed("unterminated quoted-pair");
                    c = _text[_pos++];
                }
                sb.Append(c);
            }
        }

        private string ReadBareValue()
        {
            var start = _pos;
            while (!AtEnd && _text[_pos] != ',' && _text[_pos] != ' ' && _text[_pos] != '\t') _pos++;
            if (_pos == start) throw Malformed("expected an auth-param value");
            return _text[start.._pos];
        }

        private void SkipSpaces()
        {
            while (!AtEnd && _text[_pos] is ' ' or '\t') _pos++;
        }

        private void SkipWhitespaceAndCommas()
        {
            while (!AtEnd && _text[_pos] is ' ' or '\t' or ',') _pos++;
        }

        private static bool IsTChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

        private readonly ChunkedBuildException Malformed(string rule) =>
            new(ErrorCodes.RegistryChallengeUnsupported, $"malformed WWW-Authenticate header at offset {_pos}: {rule} (RFC 7235 §4.1)");
    }
}
