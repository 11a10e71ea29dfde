using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Inbound;

/// <summary>
/// Ingress, Management and the gateway over a database of their own, where tests create integrations for providers of
/// every scheme (the shared cluster's tests count its integrations). Ingress caches integrations for 1 s, so a PATCH
/// of a field mapping reaches ingest quickly.
/// </summary>
public sealed class InboundSchemesCluster : RelayCluster
{
    public static readonly TimeSpan IntegrationCacheDuration = TimeSpan.FromSeconds(1);

    protected override string Purpose => "inbound";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Ingress__IntegrationCacheDuration"] = IntegrationCacheDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A callback URL the outbound guard accepts here: the development sink, through the gateway on loopback (allow-listed).</summary>
    public string SinkUrl(string provider) => new Uri(GatewayAddress, $"/api/v1/internal/delivery-sink/{provider}").ToString();
}

[CollectionDefinition(Name)]
public sealed class InboundSchemesCollection : ICollectionFixture<InboundSchemesCluster>
{
    public const string Name = "inbound schemes cluster";
}
