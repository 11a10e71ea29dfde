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

    /// <summary>Addresses of proxies in front of the gateway (a cloud load balancer) whose X-Forwarded-For is trusted.</summary>
    public string[] KnownProxies { get; set; } = [];
}
