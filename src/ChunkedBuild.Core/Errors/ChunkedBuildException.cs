namespace ChunkedBuild.Core.Errors;

/// <summary>
/// The one exception family of ChunkedBuild. Every failure that a user can cause (bad input, a refused entry,
/// a validation failure) is reported through it with a stable <see cref="Code"/> (see <see cref="ErrorCodes"/>),
/// the operation, and where known the layer and the tar entry involved. Messages pass through <see cref="Redaction"/>, so
/// whatever user input or helper output they quote never carries a password, token or signed URL.
/// </summary>
public class ChunkedBuildException : Exception
{
    /// <summary>Creates an exception with a stable code and a message that names the operation and the rule.</summary>
    /// <param name="code">A stable code from <see cref="ErrorCodes"/>, e.g. <c>CHB1102</c>.</param>
    /// <param name="message">What went wrong, naming the rule that was broken (secret-looking parts are redacted).</param>
    /// <param name="entry">The tar entry involved, if any.</param>
    /// <param name="layer">The layer involved (digest or file name), if any.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public ChunkedBuildException(string code, string message, string? entry = null, string? layer = null, Exception? innerException = null)
        : base(Redaction.Text(message), innerException)
    {
        Code = code;
        Entry = entry;
        Layer = layer;
    }

    /// <summary>The stable error code (<c>CHB</c> + four digits).</summary>
    public string Code { get; }

    /// <summary>The tar entry name the error is about, when there is one.</summary>
    public string? Entry { get; }

    /// <summary>The layer the error is about (digest or path), when known.</summary>
    public string? Layer { get; }

    /// <summary>Returns a copy of this error that also names <paramref name="layer"/>.</summary>
    public ChunkedBuildException WithLayer(string layer) =>
        Layer is not null ? this : new ChunkedBuildException(Code, base.Message, Entry, layer, InnerException ?? this);

    /// <summary>The full message: code, the message itself, and the layer and entry when known.</summary>
    public override string Message
    {
        get
        {
            var text = $"{Code}: {base.Message}";
            if (Layer is not null) text += $" (layer {Layer})";
            if (Entry is not null && !base.Message.Contains(Entry, StringComparison.Ordinal)) text += $" (entry '{Entry}')";
            return text;
        }
    }
}
