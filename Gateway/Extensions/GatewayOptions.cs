namespace Relay.Gateway.Extensions;

public sealed class GatewayOptions
{
    public const string SectionName = "Relay:Gateway";

    /// <summary>
    /// Largest request body the gateway forwards on any route (<c>Relay:Gateway:MaxRequestBodyBytes</c>); larger ones get
    /// 413. Routes narrow it with their <c>MaxRequestBodyBytes</c> metadata (webhooks 1 MiB, management 64 KiB); the
    /// default is what a delivery may carry to the development sink (Ingress's <c>Relay:Ingress:MaxDeliveryBodyBytes</c>).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Webhooks the gateway forwards at once (<c>Relay:Gateway:MaxConcurrentWebhooks</c>); the next one gets 503 with
    /// <c>Retry-After</c> at once. Above what Ingress admits (its MaxConcurrentIngests + IngestQueueLimit, 128 by
    /// default) so that Ingress, which knows its own load, normally decides; this only stops the gateway from queueing
    /// without bound when Ingress is slow to answer at all. Raise it with the number of Ingress replicas.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int MaxConcurrentWebhooks { get; set; } = 512;

    /// <summary>Management requests the gateway forwards at once (<c>Relay:Gateway:MaxConcurrentManagementRequests</c>).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int MaxConcurrentManagementRequests { get; set; } = 256;

    /// <summary>
    /// Live event streams (<c>GET /api/v1/events/stream</c>) the gateway holds open at once
    /// (<c>Relay:Gateway:MaxConcurrentEventStreams</c>). A stream lasts as long as its client stays, so streams have a
    /// route and a limit of their own and never take the slots of short management requests.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int MaxConcurrentEventStreams { get; set; } = 1000;

    /// <summary>Addresses of proxies in front of the gateway (a cloud load balancer) whose X-Forwarded-For is trusted.</summary>
    public string[] KnownProxies { get; set; } = [];
}
