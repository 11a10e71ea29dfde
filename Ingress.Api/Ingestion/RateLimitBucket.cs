namespace Relay.Ingress.Api.Ingestion;

/// <summary>Which quota a request uses: authentic webhooks and rejected requests never share one.</summary>
public enum RateLimitBucket
{
    /// <summary>Credentials verified against an active integration: counted per provider and source IP.</summary>
    Authentic,

    /// <summary>Unknown or inactive provider, or bad credentials: counted per source IP, whatever the provider.</summary>
    Rejected,
}
