using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>401 <c>UNAUTHORIZED</c>: no key, an unknown key or a revoked one.</summary>
public sealed class RelayUnauthorizedException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter);
