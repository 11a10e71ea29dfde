namespace Relay.Ingress.Api.Ingestion;

/// <param name="LimitPerMinute">The limit of the bucket the request was counted in (the 429's <c>limitPerMinute</c>).</param>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter, int LimitPerMinute);
