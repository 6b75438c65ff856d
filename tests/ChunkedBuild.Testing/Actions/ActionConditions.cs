using System.Text.RegularExpressions;

namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// Evaluates a step's <c>if:</c> as GitHub does for the subset actions use: property paths (as in <see cref="ActionExpressions"/>),
/// <c>'string'</c> literals (<c>''</c> escapes a quote), <c>true</c>/<c>false</c>, <c>==</c> and <c>!=</c> (strings compared without
/// regard to case), <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses, with or without a surrounding <c>${{ }}</c>. A string is
/// true when it is not empty. Functions (<c>success()</c>, <c>always()</c>, …) and comparisons across types throw, so a test cannot
/// pass on a condition this runner does not understand. Like GitHub, a step whose condition holds no status function runs only while
/// every earlier step succeeded, which is the only way this runner reaches a step.
/// </summary>
public static partial class ActionConditions
{
    [GeneratedRegex(@"\s*(?:(?<op>==|!=|&&|\|\||!|\(|\))|'(?<str>(?:[^']|'')*)'|(?<word>[A-Za-z_][A-Za-z0-9_.-]*))")]
    private static partial Regex Token();

    /// <summary>Whether <paramref name="condition"/> holds in <paramref name="context"/>.</summary>
    public static bool IsTrue(string condition, ExpressionContext context)
    {
        var text = condition.Trim();
        if (text.StartsWith("${{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal)) text = text[3..^2];
        var parser = new Parser(Tokenize(text), context);
        var value = parser.Or();
        if (!parser.AtEnd) throw new NotSupportedException($"if: '{condition}': unexpected '{parser.Current}'");
        return Truthy(value);
    }

    private static List<(string Kind, string Text)> Tokenize(string text)
    {
        var tokens = new List<(string, string)>();
        var position = 0;
        while (position < text.Length && text[position..].Trim().Length > 0)
        {
            var m = Token().Match(text, position);
            if (!m.Success || m.Index != position) throw new NotSupportedException($"if: '{text}': cannot read '{text[position..]}'");
            if (m.Groups["op"].Success) tokens.Add(("op", m.Groups["op"].Value));
            else if (m.Groups["str"].Success) tokens.Add(("string", m.Groups["str"].Value.Replace("''", "'", StringComparison.Ordinal)));
            else tokens.Add(("word", m.Groups["word"].Value));
            position = m.Index + m.Length;
        }
        return tokens;
    }

    private static bool Truthy(object value) => value is bool b ? b : ((string)value).Length > 0;

    private sealed class Parser(List<(string Kind, string Text)> tokens, ExpressionContext context)
    {
        private int _next;

        public bool AtEnd => _next == tokens.Count;

        public string Current => AtEnd ? "end" : tokens[_next].Text;

        public object Or()
        {
            var left = And();
            while (Accept("||")) left = Truthy(left) | Truthy(And());
            return left;
        }

        private object And()
        {
            var left = Equality();
            while (Accept("&&")) left = Truthy(left) & Truthy(Equality());
            return left;
        }

        private object Equality()
        {
            var left = Unary();
            while (!AtEnd && tokens[_next].Kind == "op" && tokens[_next].Text is "==" or "!=")
            {
                var equal = tokens[_next++].Text == "==";
                var right = Unary();
                left = Same(left, right) == equal;
            }
            return left;
        }

        private object Unary()
        {
            if (Accept("!")) return !Truthy(Unary());
            if (Accept("("))
            {
                var inner = Or();
                if (!Accept(")")) throw new NotSupportedException($"if: missing ')' before '{Current}'");
                return inner;
            }
            if (AtEnd) throw new NotSupportedException("if: the condition ends early");
            var (kind, text) = tokens[_next++];
            return kind switch
            {
                "string" => text,
                "word" when text == "true" => true,
                "word" when text == "false" => false,
                "word" when _next < tokens.Count && tokens[_next].Text == "(" => throw new NotSupportedException($"if: function '{text}()' is not supported by this runner"),
                "word" => ActionExpressions.Expand("${{ " + text + " }}", context),
                _ => throw new NotSupportedException($"if: unexpected '{text}'"),
            };
        }

        private bool Accept(string op)
        {
            if (AtEnd || tokens[_next].Kind != "op" || tokens[_next].Text != op) return false;
            _next++;
            return true;
        }

        private static bool Same(object left, object right) => (left, right) switch
        {
            (string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a == b,
            _ => throw new NotSupportedException("if: comparing a string with a boolean is not supported by this runner"),
        };
    }
}
