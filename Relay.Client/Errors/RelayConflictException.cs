using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>409 <c>CONFLICT</c>, or 422 <c>IDEMPOTENCY_KEY_REUSED</c>: the request contradicts the resource's state.</summary>
public sealed class RelayConflictException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
