using System.Buffers;
using System.Globalization;
using System.Text;

namespace ChunkedBuild.Core.Json;

/// <summary>
/// Writes compact JSON exactly as Go's <c>encoding/json</c> does (HTML-safe escaping of <c>&lt; &gt; &amp;</c>,
/// <c>\u2028</c>/<c>\u2029</c>, lowercase <c>\u00xx</c> for control characters, <c>\b \f \n \r \t</c> shortcuts,
/// no whitespace), with keys in the order the caller writes them. The TOC and tar-split bytes are what readers hash,
/// so ChunkedBuild writes them the way the reference writers do.
/// </summary>
public sealed class GoJsonWriter
{
    private const string HexDigits = "0123456789abcdef";
    private readonly IBufferWriter<byte> _output;
    // true when the next value in the current container needs a leading comma
    private bool _needComma;

    /// <summary>Creates a writer appending UTF-8 bytes to <paramref name="output"/>.</summary>
    public GoJsonWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>Writes <c>{</c>.</summary>
    public void StartObject() { Comma(); Raw("{"u8); _needComma = false; }

    /// <summary>Writes <c>}</c>.</summary>
    public void EndObject() { Raw("}"u8); _needComma = true; }

    /// <summary>Writes <c>[</c>.</summary>
    public void StartArray() { Comma(); Raw("["u8); _needComma = false; }

    /// <summary>Writes <c>]</c>.</summary>
    public void EndArray() { Raw("]"u8); _needComma = true; }

    /// <summary>Writes a property name and the colon; the value follows.</summary>
    public void Name(string name)
    {
        Comma();
        WriteQuoted(name);
        Raw(":"u8);
        _needComma = false;
    }

    /// <summary>Writes a string value.</summary>
    public void String(string value) { Comma(); WriteQuoted(value); _needComma = true; }

    /// <summary>Writes an integer value.</summary>
    public void Number(long value) { Comma(); Ascii(value.ToString(CultureInfo.InvariantCulture)); _needComma = true; }

    /// <summary>Writes <c>null</c>.</summary>
    public void Null() { Comma(); Raw("null"u8); _needComma = true; }

    /// <summary>Writes a property with a string value.</summary>
    public void Property(string name, string value) { Name(name); String(value); }

    /// <summary>Writes a property with an integer value.</summary>
    public void Property(string name, long value) { Name(name); Number(value); }

    /// <summary>Writes a property with a string value only when it is not null or empty (Go's omitempty).</summary>
    public void PropertyOmitEmpty(string name, string? value) { if (!string.IsNullOrEmpty(value)) Property(name, value); }

    /// <summary>Writes a property with an integer value only when it is not zero (Go's omitempty).</summary>
    public void PropertyOmitEmpty(string name, long value) { if (value != 0) Property(name, value); }

    /// <summary>Writes raw bytes that the caller guarantees are valid JSON in this position.</summary>
    public void RawValue(ReadOnlySpan<byte> json) { Comma(); Raw(json); _needComma = true; }

    /// <summary>Writes a newline (Go's <c>json.Encoder</c> ends each value with one) and resets comma state.</summary>
    public void NewLine() { Raw("\n"u8); _needComma = false; }

    private void Comma()
    {
        if (_needComma) Raw(","u8);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    private void Ascii(string text)
    {
        var span = _output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++) span[i] = (byte)text[i];
        _output.Advance(text.Length);
    }

    private void WriteQuoted(string value)
    {
        Raw("\""u8);
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                '<' or '>' or '&' or '\u2028' or '\u2029' => UnicodeEscape(c),
                _ when c < 0x20 => UnicodeEscape(c),
                _ when char.IsSurrogate(c) && !IsValidSurrogatePair(value, i) => "\\ufffd",
                _ => null,
            };
            if (escape is null)
            {
                if (char.IsHighSurrogate(c)) i++; // keep the valid pair together
                continue;
            }
            Utf8(value.AsSpan(start, i - start));
            Ascii(escape);
            start = i + 1;
        }
        Utf8(value.AsSpan(start));
        Raw("\""u8);
    }

    private static bool IsValidSurrogatePair(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);

    private static string UnicodeEscape(char c) =>
        string.Concat("\\u", HexDigits[(c >> 12) & 0xF].ToString(), HexDigits[(c >> 8) & 0xF].ToString(),
            HexDigits[(c >> 4) & 0xF].ToString(), HexDigits[c & 0xF].ToString());

    private void Utf8(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty) return;
        var max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        var span = _output.GetSpan(max);
        var n = Encoding.UTF8.GetBytes(chars, span);
        _output.Advance(n);
    }
}
