using System.Net;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>Turns failed registry responses into coded <see cref="ChunkedBuildException"/>s naming the method, the URL and the registry's <c>errors[]</c>.</summary>
internal static class RegistryErrors
{
    /// <summary><c>METHOD scheme://host/path</c>: user-info and query are left out (upload URLs carry state tokens, some registries signed URLs).</summary>
    public static string Describe(HttpMethod method, Uri uri) => $"{method} {Redaction.Url(uri)}";

    /// <summary>The coded error for a non-success response (disposing it); <paramref name="notFoundCode"/> is the code for a 404.</summary>
    public static async Task<ChunkedBuildException> FromResponseAsync(HttpResponseMessage response, string operation, string? notFoundCode = null,
        CancellationToken cancellationToken = default)
    {
        var (code, text) = await TextAsync(response, operation, cancellationToken, notFoundCode).ConfigureAwait(false);
        return new ChunkedBuildException(code, text);
    }

    /// <summary>The code and text of the error for a non-success response (disposing it).</summary>
    public static async Task<(string Code, string Text)> TextAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken,
        string? notFoundCode = null)
    {
        using (response)
        {
            var status = response.StatusCode;
            var details = await ReadErrorsAsync(response, cancellationToken).ConfigureAwait(false);
            var code = status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ErrorCodes.RegistryAccessDenied,
                HttpStatusCode.NotFound when notFoundCode is not null => notFoundCode,
                _ => ErrorCodes.RegistryRequestFailed,
            };
            return (code, $"{operation} failed with HTTP {(int)status} {response.ReasonPhrase}{details}");
        }
    }

    /// <summary>The error for a request that never got a response.</summary>
    public static ChunkedBuildException Unreachable(string operation, Exception cause, int attempts, string why = "")
    {
        var hint = cause is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }
            ? " (TLS failed: for a registry serving plain HTTP or a self-signed certificate, list it in DOTNET_CONTAINER_INSECURE_REGISTRIES or pass --insecure; for a private CA pass --ca-file)"
            : "";
        var tries = attempts > 1 ? $" after {attempts} attempts" : "";
        return new ChunkedBuildException(ErrorCodes.RegistryUnreachable, $"{operation} failed{tries}: {Flatten(cause)}{hint}{why}", innerException: cause);
    }

    private static string Flatten(Exception e)
    {
        var text = new StringBuilder(e.Message);
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) text.Append(" → ").Append(inner.Message);
        return text.ToString();
    }

    /// <summary><c>: CODE: message; CODE: message</c> from a distribution error body, or the start of a non-JSON body; empty when there is none.</summary>
    private static async Task<string> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            (body, _) = await ResponseBodies.ReadAtMostAsync(response.Content, ResponseBodies.MaxErrorBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
        if (body.Length == 0) return "";
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = errors.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e =>
                    $"{(e.TryGetProperty("code", out var c) ? c.ToString() : "UNKNOWN")}: {(e.TryGetProperty("message", out var m) ? m.ToString() : "")}").ToList();
                if (parts.Count > 0) return ": " + string.Join("; ", parts);
            }
        }
        catch (JsonException)
        {
        }
        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 ? "" : ": " + (text.Length > 200 ? text[..200] + "…" : text);
    }
}
