namespace Relay.Gateway.Extensions;

public sealed class GatewayOptions
{
    public const string SectionName = "Relay:Gateway";

    /// <summary>Largest request body the gateway forwards (<c>Relay:Gateway:MaxRequestBodyBytes</c>); larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Addresses of proxies in front of the gateway (a cloud load balancer) whose X-Forwarded-For is trusted.</summary>
    public string[] KnownProxies { get; set; } = [];
}
