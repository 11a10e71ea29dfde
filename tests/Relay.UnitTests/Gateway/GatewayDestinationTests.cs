using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Gateway.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Relay.UnitTests.Gateway;

/// <summary>
/// Where the gateway's clusters send requests: addresses (the test harness, run.sh, Kubernetes) are used as they are;
/// a service name resolves through the <c>services:*</c> keys the AppHost writes.
/// </summary>
public sealed class GatewayDestinationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5101", "http://127.0.0.1:5101/")]
    [InlineData("http://ingress-api", "http://ingress-api/")]
    [InlineData("http://ingress-api:8080", "http://ingress-api:8080/")]
    public async Task An_address_no_service_key_names_is_used_as_it_is(string configured, string expected)
    {
        var destinations = await ResolveIngressAsync(new() { ["ReverseProxy:Clusters:ingress:Destinations:d1:Address"] = configured });

        var destination = Assert.Single(destinations);
        Assert.Equal(expected, destination.Address);
    }

    [Fact]
    public async Task A_service_name_resolves_to_every_address_the_apphost_gives_it()
    {
        var destinations = await ResolveIngressAsync(new()
        {
            ["ReverseProxy:Clusters:ingress:Destinations:d1:Address"] = "http://ingress-api",
            ["services:ingress-api:http:0"] = "http://localhost:41001",
            ["services:ingress-api:http:1"] = "http://localhost:41002",
        });

        Assert.Equal(["http://localhost:41001/", "http://localhost:41002/"], destinations.Select(d => d.Address).Order());
    }

    private static async Task<IReadOnlyList<DestinationConfig>> ResolveIngressAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddGatewayReverseProxy();
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters.Single(c => c.ClusterId == "ingress");
        var resolved = await host.Services.GetRequiredService<IDestinationResolver>().ResolveDestinationsAsync(cluster.Destinations!, CancellationToken.None);
        return resolved.Destinations.Values.ToList();
    }
}
