namespace Relay.Ingress.Api.Ingestion;

public sealed class IngressOptions
{
    public const string SectionName = "Relay:Ingress";

    /// <summary>
    /// How long each replica caches a provider's integration (and its decrypted secrets) in memory: an integration
    /// deleted or disabled keeps accepting webhooks for up to this long. A webhook whose credentials fail re-reads the
    /// integration (at most once a second per provider), so a new integration, one enabled again or a rotated secret
    /// verifies at once; the previous secret's grace window ends on time, whatever the cache holds.
    /// </summary>
    public TimeSpan IntegrationCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest webhook body accepted (<c>Relay:Ingress:MaxBodyBytes</c>); larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest delivery body an accepted webhook may produce (<c>Relay:Ingress:MaxDeliveryBodyBytes</c>): its normalized
    /// payload as PostgreSQL's jsonb writes it, which is what the delivery worker POSTs. jsonb's text adds a space after
    /// every ',' and ':' (at most 1.5 times the JSON it came from) and writes numbers out in full (<c>1e300</c> is 301
    /// digits), so the default, twice <see cref="MaxBodyBytes"/>'s default, refuses no webhook up to that size but
    /// one whose numbers grow it past that; such a webhook gets 413 at ingest instead of a delivery no endpoint takes.
    /// The development delivery sink accepts bodies up to this size.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1024, long.MaxValue)]
    public long MaxDeliveryBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>How long the Redis fast path remembers an idempotency key (the PostgreSQL unique key is the truth).</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Most webhooks written in one transaction (<c>Relay:Ingress:GroupCommitMaxBatchSize</c>). Webhooks arriving while
    /// earlier ones commit are written together, each answered once its batch has committed; an idle ingest writes
    /// each webhook at once, so this bounds a batch's size under load, not anyone's wait.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int GroupCommitMaxBatchSize { get; set; } = 128;

    /// <summary>
    /// Batches being written at once (<c>Relay:Ingress:GroupCommitMaxConcurrentBatches</c>), each on a connection of
    /// its own: the next batch forms while these commit.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 32)]
    public int GroupCommitMaxConcurrentBatches { get; set; } = 2;
}
