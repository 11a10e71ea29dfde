using System.Net;
using Relay.Client;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Client;

/// <summary>
/// An integration of its own (acme's signing scheme, a secret of its own) whose callback and destination are a local
/// sink, created through the typed client, and signed webhooks sent to it as the provider would.
/// </summary>
public sealed class ClientScenario : IAsyncDisposable
{
    private readonly HttpClient ingress;

    private ClientScenario(RelayCluster cluster, RelayClient relay, CountingSink sink, CreatedIntegration integration, string secret)
    {
        Relay = relay;
        Sink = sink;
        Integration = integration;
        Secret = secret;
        ingress = cluster.CreateClient();
    }

    public RelayClient Relay { get; }
    public CountingSink Sink { get; }
    public CreatedIntegration Integration { get; }
    public string Secret { get; }
    public string Provider => Integration.Provider;

    /// <summary>A client with the configured management key, sent as a bearer token.</summary>
    public static RelayClient AdminClient(RelayCluster cluster) => ClientWith(cluster, RelayCluster.ManagementApiKey);

    /// <summary>
    /// A client for <paramref name="key"/> with no overall timeout (a stream lasts as long as the test reads it), whose
    /// disposed streams close their connections at once.
    /// </summary>
    public static RelayClient ClientWith(RelayCluster cluster, string key, RelayClientOptions? options = null)
    {
        var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero };
        var http = new HttpClient(handler) { BaseAddress = cluster.GatewayAddress, Timeout = Timeout.InfiniteTimeSpan };
        return new RelayClient(http, options ?? new RelayClientOptions(key));
    }

    public static async Task<ClientScenario> StartAsync(RelayCluster cluster)
    {
        var relay = AdminClient(cluster);
        var sink = await CountingSink.StartAsync();
        var secret = $"client-secret-{Guid.NewGuid():N}";
        var integration = await relay.Integrations.CreateAsync(
            new CreateIntegrationRequest($"client-{Guid.NewGuid():N}"[..30], "Client test", secret, sink.Url) { Preset = "acme", RequestedBy = "client-tests" });
        return new ClientScenario(cluster, relay, sink, integration, secret);
    }

    /// <summary>Sends a webhook signed with the integration's secret; answers the id of the event it became.</summary>
    public async Task<Guid> SendWebhookAsync(string eventType = "invoice.paid", CancellationToken cancellationToken = default)
    {
        var body = Webhooks.AcmeBody(eventType: eventType);
        using var request = Webhooks.Acme(body, Webhooks.Sign(body, Secret), Provider);
        using var response = await ingress.SendAsync(request, cancellationToken);
        var answer = await response.ReadJsonAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{(int)response.StatusCode} {answer}");
        return Guid.Parse(answer["data"]!["eventId"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Out of the integration list other tests read; its events stay, as a deleted integration's do.
            await Relay.Integrations.DeleteAsync(Integration.Id, "client-tests");
        }
        finally
        {
            ingress.Dispose();
            Relay.Dispose();
            await Sink.DisposeAsync();
        }
    }
}
