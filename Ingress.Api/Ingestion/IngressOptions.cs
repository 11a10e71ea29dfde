namespace Relay.Ingress.Api.Ingestion;

public sealed class IngressOptions
{
    public const string SectionName = "Relay:Ingress";

    /// <summary>How long a provider's integration (and its decrypted secret) is cached in memory.</summary>
    public TimeSpan IntegrationCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest webhook body accepted (<c>Relay:Ingress:MaxBodyBytes</c>); larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the Redis fast path remembers an idempotency key (the PostgreSQL unique key is the truth).</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
