namespace Relay.Ingress.Api.Publishing;

/// <summary>A publish request's answer as it was first given (status and body text), to give again for the same <c>Idempotency-Key</c>.</summary>
public sealed record StoredAnswer(int StatusCode, string Body);
