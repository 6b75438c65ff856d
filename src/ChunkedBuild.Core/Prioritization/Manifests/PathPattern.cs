using System.Text;
using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>
/// One compiled path glob, matched against normalized image paths (see <see cref="ImagePath"/>). Patterns are anchored
/// at the image root (<c>app/x</c> means <c>/app/x</c>); a segment <c>**</c> matches zero or more whole path segments;
/// within a segment <c>*</c> matches any run of characters but <c>/</c>, <c>?</c> one character but <c>/</c>,
/// <c>[abc]</c>, <c>[a-z]</c> and <c>[!a]</c> (or <c>[^a]</c>) one character of (not of) a class, and <c>\</c> escapes
/// the next character. A pattern without wildcards is an exact path.
/// </summary>
public sealed class PathPattern
{
    private readonly Segment[] _segments;

    private PathPattern(string text, string? exactPath, Segment[] segments)
    {
        Text = text;
        ExactPath = exactPath;
        _segments = segments;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>The normalized path when the pattern has no wildcard, else null.</summary>
    public string? ExactPath { get; }

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="FormatException"/> naming the rule broken.</summary>
    public static PathPattern Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) throw new FormatException("a path pattern must not be empty");
        if (pattern.Contains('\0')) throw new FormatException($"path pattern '{pattern}' contains a NUL character");
        if (pattern.Length > 1 && pattern.EndsWith('/'))
            throw new FormatException($"path pattern '{pattern}' ends with '/'; write '{pattern}**' to select a directory's contents");
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = new Segment[parts.Length];
        var exact = true;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part is "." or "..") throw new FormatException($"path pattern '{pattern}' has a '{part}' segment; patterns are normalized image paths");
            if (part == "**")
            {
                segments[i] = Segment.AnyDepth;
                exact = false;
                continue;
            }
            if (part.Contains("**")) throw new FormatException($"path pattern '{pattern}': '**' must be a whole segment (as in 'a/**/b'), not part of '{part}'");
            segments[i] = Segment.Compile(part, pattern);
            exact &= segments[i].Literal is not null;
        }
        var exactPath = exact ? "/" + string.Join('/', segments.Select(s => s.Literal)) : null;
        return new PathPattern(pattern, exactPath, segments);
    }

    /// <summary>True when the normalized image path <paramref name="path"/> matches.</summary>
    public bool IsMatch(string path)
    {
        if (ExactPath is not null) return string.Equals(ExactPath, path, StringComparison.Ordinal);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return Match(0, parts, 0);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private bool Match(int segment, string[] parts, int part)
    {
        while (segment < _segments.Length)
        {
            var current = _segments[segment];
            if (current.IsAnyDepth)
            {
                while (segment + 1 < _segments.Length && _segments[segment + 1].IsAnyDepth) segment++;
                if (segment + 1 == _segments.Length) return true; // trailing ** takes the rest
                for (var skip = part; skip <= parts.Length; skip++)
                {
                    if (Match(segment + 1, parts, skip)) return true;
                }
                return false;
            }
            if (part >= parts.Length || !current.IsMatch(parts[part])) return false;
            segment++;
            part++;
        }
        return part == parts.Length;
    }

    /// <summary>One path segment of a pattern: <c>**</c>, a literal, or a wildcard segment.</summary>
    private sealed class Segment
    {
        public static readonly Segment AnyDepth = new(true, null, []);

        private readonly Token[] _tokens;

        private Segment(bool isAnyDepth, string? literal, Token[] tokens)
        {
            IsAnyDepth = isAnyDepth;
            Literal = literal;
            _tokens = tokens;
        }

        public bool IsAnyDepth { get; }

        /// <summary>The segment text when it has no wildcard (escapes removed).</summary>
        public string? Literal { get; }

        public static Segment Compile(string part, string pattern)
        {
            var tokens = new List<Token>();
            var literal = new StringBuilder();
            var hasWildcard = false;
            for (var i = 0; i < part.Length; i++)
            {
                var c = part[i];
                switch (c)
                {
                    case '\\':
                        if (i + 1 >= part.Length) throw new FormatException($"path pattern '{pattern}' ends with an unfinished '\\' escape");
                        i++;
                        tokens.Add(Token.Char(part[i]));
                        literal.Append(part[i]);
                        break;
                    case '*':
                        tokens.Add(Token.Star);
                        hasWildcard = true;
                        break;
                    case '?':
                        tokens.Add(Token.AnyChar);
                        hasWildcard = true;
                        break;
                    case '[':
                        tokens.Add(Token.Class(part, ref i, pattern));
                        hasWildcard = true;
                        break;
                    default:
                        if (c == ']') throw new FormatException($"path pattern '{pattern}' has a ']' without '['; escape it as '\\]'");
                        tokens.Add(Token.Char(c));
                        literal.Append(c);
                        break;
                }
            }
            return new Segment(false, hasWildcard ? null : literal.ToString(), tokens.ToArray());
        }

        public bool IsMatch(string text)
        {
            if (Literal is not null) return string.Equals(Literal, text, StringComparison.Ordinal);
            // iterative wildcard match with single-star backtracking
            int t = 0, s = 0, starToken = -1, starText = 0;
            while (s < text.Length)
            {
                if (t < _tokens.Length && _tokens[t].Kind != TokenKind.Star && _tokens[t].Accepts(text[s]))
                {
                    t++;
                    s++;
                }
                else if (t < _tokens.Length && _tokens[t].Kind == TokenKind.Star)
                {
                    starToken = t++;
                    starText = s;
                }
                else if (starToken >= 0)
                {
                    t = starToken + 1;
                    s = ++starText;
                }
                else return false;
            }
            while (t < _tokens.Length && _tokens[t].Kind == TokenKind.Star) t++;
            return t == _tokens.Length;
        }
    }

    private enum TokenKind { Char, AnyChar, Star, Class }

    /// <summary>One element of a wildcard segment.</summary>
    private sealed class Token
    {
        public static readonly Token Star = new(TokenKind.Star, '\0', [], false);
        public static readonly Token AnyChar = new(TokenKind.AnyChar, '\0', [], false);

        private readonly char _char;
        private readonly (char From, char To)[] _ranges;
        private readonly bool _negated;

        private Token(TokenKind kind, char c, (char, char)[] ranges, bool negated)
        {
            Kind = kind;
            _char = c;
            _ranges = ranges;
            _negated = negated;
        }

        public TokenKind Kind { get; }

        public static Token Char(char c) => new(TokenKind.Char, c, [], false);

        /// <summary>Parses <c>[...]</c> starting at <paramref name="i"/> (the '['); leaves <paramref name="i"/> on the ']'.</summary>
        public static Token Class(string part, ref int i, string pattern)
        {
            var start = i++;
            var negated = i < part.Length && part[i] is '!' or '^';
            if (negated) i++;
            var ranges = new List<(char, char)>();
            var first = true;
            while (i < part.Length && (part[i] != ']' || first))
            {
                var from = ReadClassChar(part, ref i, pattern);
                var to = from;
                if (i + 1 < part.Length && part[i] == '-' && part[i + 1] != ']')
                {
                    i++;
                    to = ReadClassChar(part, ref i, pattern);
                    if (to < from) throw new FormatException($"path pattern '{pattern}' has the reversed range '{from}-{to}'");
                }
                ranges.Add((from, to));
                first = false;
            }
            if (i >= part.Length) throw new FormatException($"path pattern '{pattern}' has an unclosed '[' at '{part[start..]}'");
            return new Token(TokenKind.Class, '\0', ranges.ToArray(), negated);
        }

        private static char ReadClassChar(string part, ref int i, string pattern)
        {
            if (part[i] == '\\')
            {
                if (++i >= part.Length) throw new FormatException($"path pattern '{pattern}' ends with an unfinished '\\' escape");
            }
            return part[i++];
        }

        public bool Accepts(char c) => Kind switch
        {
            TokenKind.Char => c == _char,
            TokenKind.AnyChar => true,
            TokenKind.Class => _ranges.Any(r => c >= r.From && c <= r.To) != _negated,
            _ => false,
        };
    }
}
