using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Tracing;

/// <summary>
/// The services wired as the AppHost wires the gateway: its clusters name the services (<c>http://ingress-api</c>)
/// and service discovery finds them through <c>services__{name}__http__0</c>.
/// </summary>
public sealed class ServiceDiscoveryCluster : RelayCluster
{
    protected override string Purpose => "tracing";

    protected override void ConfigureEnvironment(IDictionary<string, string> environment, IReadOnlyDictionary<string, int> ports)
    {
        environment["ReverseProxy__Clusters__ingress__Destinations__d1__Address"] = "http://ingress-api";
        environment["ReverseProxy__Clusters__management__Destinations__d1__Address"] = "http://management-api";
        environment["services__ingress-api__http__0"] = $"http://127.0.0.1:{ports["Ingress.Api"]}";
        environment["services__management-api__http__0"] = $"http://127.0.0.1:{ports["Management.Api"]}";
    }
}
