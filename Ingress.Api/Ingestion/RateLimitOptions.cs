using System.ComponentModel.DataAnnotations;

namespace Relay.Ingress.Api.Ingestion;

public sealed class RateLimitOptions
{
    public const string SectionName = "Relay:RateLimit";

    /// <summary>Authentic webhooks accepted per provider and source IP in one minute (<c>Relay:RateLimit:PermitsPerMinute</c>).</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerMinute { get; set; } = 120;

    /// <summary>
    /// Rejected requests (unknown or inactive provider, bad credentials) answered per source IP in one minute before
    /// 429 (<c>Relay:RateLimit:RejectedPermitsPerMinute</c>); <see cref="PermitsPerMinute"/> when unset. They are counted
    /// apart from authentic webhooks, so a flood of them never uses up a provider's quota.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? RejectedPermitsPerMinute { get; set; }

    /// <summary>
    /// While Redis is unavailable each replica counts on its own; this caps the counters it keeps per bucket in one
    /// window (<c>Relay:RateLimit:FallbackMaxCounters</c>). Sources beyond the cap share one counter.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FallbackMaxCounters { get; set; } = 10_000;

    public int LimitFor(RateLimitBucket bucket) =>
        bucket == RateLimitBucket.Authentic ? PermitsPerMinute : RejectedPermitsPerMinute ?? PermitsPerMinute;
}
