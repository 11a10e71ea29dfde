using System.Net;
using System.Text.Json;

namespace Relay.Client.Http;

/// <summary>Turns an error answer into the <see cref="RelayApiException"/> that says what it means.</summary>
internal static class RelayErrors
{
    public const string RequestIdHeader = "X-Request-Id";

    public static async Task<RelayApiException> ReadAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var requestId = response.Headers.TryGetValues(RequestIdHeader, out var values) ? values.FirstOrDefault() : null;
        return FromAnswer(response.StatusCode, body, requestId, RetryAfterHeader.Read(response.Headers, now));
    }

    /// <summary>The exception for an answer with <paramref name="body"/>, Relay's error envelope or anything else.</summary>
    public static RelayApiException FromAnswer(HttpStatusCode status, string body, string? requestId, TimeSpan? retryAfter)
    {
        var (code, message, details) = ReadEnvelope(body);
        message ??= $"Relay answered {(int)status} {status}" + (body.Length > 0 ? $": {Excerpt(body)}" : "");
        return Create(status, code, message, details, requestId, retryAfter);
    }

    public static RelayApiException Create(HttpStatusCode status, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter) =>
        (code, (int)status) switch
        {
            ("VALIDATION_ERROR", _) or (null, 400) => new RelayValidationException(status, code, message, details, requestId, retryAfter),
            ("UNAUTHORIZED", _) or (null, 401) => new RelayUnauthorizedException(status, code, message, details, requestId, retryAfter),
            ("FORBIDDEN", _) or (null, 403) => new RelayForbiddenException(status, code, message, details, requestId, retryAfter),
            ("NOT_FOUND", _) or (null, 404) => new RelayNotFoundException(status, code, message, details, requestId, retryAfter),
            ("CONFLICT" or "IDEMPOTENCY_KEY_REUSED", _) or (null, 409) => new RelayConflictException(status, code, message, details, requestId, retryAfter),
            ("RATE_LIMITED", _) or (_, 429) => new RelayRateLimitedException(status, code, message, details, requestId, retryAfter),
            ("OVERLOADED" or "DEPENDENCY_UNAVAILABLE", _) or (_, 502 or 503 or 504) => new RelayServiceUnavailableException(status, code, message, details, requestId, retryAfter),
            _ => new RelayApiException(status, code, message, details, requestId, retryAfter),
        };

    /// <summary><c>error.code</c>, <c>error.message</c> and <c>error.details</c> of an envelope; nulls when the body is not one.</summary>
    private static (string? Code, string? Message, JsonElement? Details) ReadEnvelope(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
            {
                return (null, null, null);
            }
            var message = error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
            JsonElement? details = error.TryGetProperty("details", out var value) && value.ValueKind != JsonValueKind.Null ? value.Clone() : null;
            return (code.GetString(), message ?? code.GetString(), details);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static string Excerpt(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
