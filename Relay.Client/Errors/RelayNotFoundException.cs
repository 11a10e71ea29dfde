using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>404 <c>NOT_FOUND</c>: the resource does not exist (or the route does not).</summary>
public sealed class RelayNotFoundException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
