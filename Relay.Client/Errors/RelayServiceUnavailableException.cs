using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>503 <c>OVERLOADED</c> or <c>DEPENDENCY_UNAVAILABLE</c>, or a 502/504 from a proxy: try again, after <see cref="RelayApiException.RetryAfter"/> when given.</summary>
public sealed class RelayServiceUnavailableException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
