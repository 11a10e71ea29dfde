namespace Relay.Ingress.Api.Publishing;

/// <summary>An <c>Idempotency-Key</c> as one API key used it, and the hash of the request body it came with.</summary>
public sealed record IdempotencyClaim(string ApiKeyId, string Key, byte[] RequestHash);
