namespace Relay.Ingress.Api.Ingestion;

public sealed class RateLimitOptions
{
    public const string SectionName = "Relay:RateLimit";

    /// <summary>Webhooks accepted per provider and source IP in one minute (<c>Relay:RateLimit:PermitsPerMinute</c>).</summary>
    public int PermitsPerMinute { get; set; } = 120;
}
