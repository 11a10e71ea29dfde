using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>429 <c>RATE_LIMITED</c>: too many requests (or event streams) for now; <see cref="RelayApiException.RetryAfter"/> says how long to wait when the server said.</summary>
public sealed class RelayRateLimitedException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
