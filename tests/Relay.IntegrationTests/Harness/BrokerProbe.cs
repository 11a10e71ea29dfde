using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// A queue of the test's own bound to MassTransit's fanout exchange for one message type, in the cluster's virtual
/// host: it receives a copy of every such message the outbox publishes from the moment it is bound.
/// </summary>
public sealed class BrokerProbe
{
    private readonly string vhost;
    private readonly string queue;

    private BrokerProbe(string vhost, string queue)
    {
        this.vhost = vhost;
        this.queue = queue;
    }

    public static async Task<BrokerProbe> BindAsync(IsolatedDependencies dependencies, string messageType)
    {
        var exchange = Uri.EscapeDataString($"Relay.Contracts:{messageType}");
        var vhost = Uri.EscapeDataString(dependencies.VirtualHost);
        var queue = $"probe-{Guid.NewGuid():N}";
        using var management = TestInfrastructure.RabbitMqManagementClient();
        (await management.PutAsJsonAsync($"/api/exchanges/{vhost}/{exchange}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"/api/queues/{vhost}/{queue}", new { durable = false, auto_delete = false })).EnsureSuccessStatusCode();
        (await management.PostAsJsonAsync($"/api/bindings/{vhost}/e/{exchange}/q/{queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
        return new BrokerProbe(vhost, queue);
    }

    /// <summary>The messages' envelopes (<c>message</c>, <c>messageType</c>, ...) until <paramref name="condition"/> holds or time runs out.</summary>
    public async Task<List<JsonNode>> DrainUntilAsync(Func<List<JsonNode>, bool> condition, TimeSpan timeout)
    {
        using var management = TestInfrastructure.RabbitMqManagementClient();
        var messages = new List<JsonNode>();
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(messages) && DateTime.UtcNow < deadline)
        {
            using var response = await management.PostAsJsonAsync($"/api/queues/{vhost}/{queue}/get", new { count = 100, ackmode = "ack_requeue_false", encoding = "auto" });
            response.EnsureSuccessStatusCode();
            foreach (var item in (await response.ReadJsonAsync()).AsArray())
            {
                messages.Add(JsonNode.Parse(item!["payload"]!.GetValue<string>())!);
            }
            if (!condition(messages))
            {
                await Task.Delay(200);
            }
        }
        return messages;
    }

    public async Task DeleteAsync()
    {
        using var management = TestInfrastructure.RabbitMqManagementClient();
        await management.DeleteAsync($"/api/queues/{vhost}/{queue}");
    }
}
