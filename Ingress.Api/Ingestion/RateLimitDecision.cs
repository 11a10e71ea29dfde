namespace Relay.Ingress.Api.Ingestion;

public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);
