using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>403 <c>FORBIDDEN</c>: the key is valid but lacks the scope the request needs.</summary>
public sealed class RelayForbiddenException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
