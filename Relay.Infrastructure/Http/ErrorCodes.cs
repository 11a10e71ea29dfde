namespace Relay.Infrastructure.Http;

public static class ErrorCodes
{
    public const string Validation = "VALIDATION_ERROR";
    public const string Unauthorized = "UNAUTHORIZED";
    /// <summary>403: the key is valid but lacks the scope the request needs.</summary>
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string Conflict = "CONFLICT";
    /// <summary>422: an <c>Idempotency-Key</c> already used for a request with a different body.</summary>
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string DependencyUnavailable = "DEPENDENCY_UNAVAILABLE";
    /// <summary>503: Relay itself is at capacity and refused the request without doing any of it; retry after <c>Retry-After</c>.</summary>
    public const string Overloaded = "OVERLOADED";
    public const string Internal = "INTERNAL_SERVER_ERROR";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
}
