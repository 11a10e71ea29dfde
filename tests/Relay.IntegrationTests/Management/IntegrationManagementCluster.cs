using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// Ingress, Management and the gateway over a database of their own, since these tests delete and re-create the
/// seeded acme and globex integrations that the shared cluster's tests rely on. Ingress caches integrations for 1 s
/// here instead of 5, so a deletion or a disable reaches ingest quickly.
/// </summary>
public sealed class IntegrationManagementCluster : RelayCluster
{
    public static readonly TimeSpan IntegrationCacheDuration = TimeSpan.FromSeconds(1);

    protected override string Purpose => "integrations";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Ingress__IntegrationCacheDuration"] = IntegrationCacheDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A callback URL the outbound guard accepts here: the development sink, through the gateway on loopback (allow-listed).</summary>
    public string SinkUrl(string provider) => new Uri(GatewayAddress, $"/api/v1/internal/delivery-sink/{provider}").ToString();
}

[CollectionDefinition(Name)]
public sealed class IntegrationManagementCollection : ICollectionFixture<IntegrationManagementCluster>
{
    public const string Name = "integration management cluster";
}
