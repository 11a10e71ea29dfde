using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

/// <summary>Gateway and Ingress alone (no consumers), RabbitMQ behind a proxy the test can cut, a low rate limit.</summary>
public sealed class IngestOnlyCluster : RelayCluster
{
    public const int PermitsPerMinute = 12;

    protected override string Purpose => "ingest";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Gateway"];
    protected override bool ProxyRabbitMq => true;
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Relay__RateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// What reaches RabbitMQ. A queue of the test's own is bound to MassTransit's fanout exchange for
/// <c>EventAccepted</c>, so it receives a copy of every message the outbox publishes.
/// </summary>
public sealed class BrokerAndRateLimitTests(IngestOnlyCluster cluster) : IClassFixture<IngestOnlyCluster>
{
    private const string Exchange = "Relay.Contracts:EventAccepted";

    private async Task<string> BindProbeQueueAsync()
    {
        using var management = TestInfrastructure.RabbitMqManagementClient();
        var vhost = Uri.EscapeDataString(cluster.Dependencies.VirtualHost);
        var queue = $"probe-{Guid.NewGuid():N}";
        (await management.PutAsJsonAsync($"/api/exchanges/{vhost}/{Uri.EscapeDataString(Exchange)}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"/api/queues/{vhost}/{queue}", new { durable = true })).EnsureSuccessStatusCode();
        (await management.PostAsJsonAsync($"/api/bindings/{vhost}/e/{Uri.EscapeDataString(Exchange)}/q/{queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
        return queue;
    }

    private async Task<List<JsonNode>> DrainAsync(string queue, int expected, TimeSpan timeout)
    {
        using var management = TestInfrastructure.RabbitMqManagementClient();
        var vhost = Uri.EscapeDataString(cluster.Dependencies.VirtualHost);
        var messages = new List<JsonNode>();
        var deadline = DateTime.UtcNow + timeout;
        while (messages.Count < expected && DateTime.UtcNow < deadline)
        {
            using var response = await management.PostAsJsonAsync($"/api/queues/{vhost}/{queue}/get", new { count = 100, ackmode = "ack_requeue_false", encoding = "auto" });
            response.EnsureSuccessStatusCode();
            foreach (var item in (await response.ReadJsonAsync()).AsArray())
            {
                messages.Add(JsonNode.Parse(item!["payload"]!.GetValue<string>())!);
                Assert.Equal(2, item["properties"]!["delivery_mode"]!.GetValue<int>()); // persistent
            }
            if (messages.Count < expected)
            {
                await Task.Delay(200);
            }
        }
        return messages;
    }

    [Fact]
    public async Task Accepted_webhook_publishes_a_persistent_EventAccepted_message()
    {
        var queue = await BindProbeQueueAsync();
        using var client = cluster.CreateClient();
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = (await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>();

        var messages = await DrainAsync(queue, 1, TimeSpan.FromSeconds(20));

        var envelope = Assert.Single(messages);
        Assert.Equal(eventId, envelope["message"]!["eventId"]!.GetValue<string>());
        Assert.Equal("acme", envelope["message"]!["provider"]!.GetValue<string>());
        Assert.Contains("urn:message:Relay.Contracts:EventAccepted", envelope["messageType"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Webhooks_accepted_while_RabbitMQ_is_down_are_published_when_it_returns()
    {
        var queue = await BindProbeQueueAsync();
        using var client = cluster.CreateClient();
        var proxy = cluster.RabbitMqProxy!;
        var accepted = new List<string>();

        proxy.Cut();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                accepted.Add((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());
            }
            // The broker is away: health says so, and the messages wait in the outbox.
            var health = await Webhooks.EventuallyAsync(
                async () => { using var r = await client.GetAsync("/api/v1/health"); return (r.StatusCode, Body: await r.ReadJsonAsync()); },
                h => h.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("degraded", health.Body["data"]!["status"]!.GetValue<string>());
            Assert.Equal("error", health.Body["data"]!["checks"]!["rabbitmq"]!["status"]!.GetValue<string>());
            // ...but Ingress stays ready (it keeps accepting into the outbox), so an orchestrator keeps it in rotation.
            using (var ingress = new HttpClient { BaseAddress = cluster.Service("Ingress.Api").BaseAddress })
            using (var readiness = await ingress.GetAsync("/health"))
            {
                Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
            }
            await using var database = cluster.OpenDatabase();
            await using var connection = await database.OpenConnectionAsync();
            Assert.True(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_messages") >= accepted.Count);
        }
        finally
        {
            proxy.Restore();
        }

        var messages = await DrainAsync(queue, accepted.Count, TimeSpan.FromSeconds(60));
        var published = messages.Select(m => m["message"]!["eventId"]!.GetValue<string>()).ToHashSet();
        Assert.True(accepted.All(published.Contains), $"published {published.Count} of {accepted.Count}\n{cluster.Logs()}");
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            var queued = await Webhooks.EventuallyAsync(
                () => connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_entries WHERE action = 'event.queued' AND entity_id = ANY(@ids)", new { ids = accepted.Select(Guid.Parse).ToArray() }),
                count => count == accepted.Count, TimeSpan.FromSeconds(10));
            Assert.Equal(accepted.Count, queued);
        }
        var recovered = await Webhooks.EventuallyAsync(
            async () => { using var r = await client.GetAsync("/api/v1/health"); return r.StatusCode; },
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    [Fact]
    public async Task Rate_limit_per_provider_and_source_ip_answers_429_with_details()
    {
        using var client = cluster.CreateClient();
        // The window is one clock minute: start early in a minute, so the requests cannot straddle two windows (the
        // counts would restart and the 429 never come).
        var intoMinute = TimeSpan.FromSeconds(DateTimeOffset.UtcNow.Second);
        if (intoMinute > TimeSpan.FromSeconds(40))
        {
            await Task.Delay(TimeSpan.FromMinutes(1) - intoMinute + TimeSpan.FromSeconds(1));
        }
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < IngestOnlyCluster.PermitsPerMinute + 1; i++)
        {
            var response = await client.SendAsync(Webhooks.Globex(Webhooks.GlobexBody()));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
                break;
            }
            response.Dispose();
        }

        Assert.NotNull(limited);
        using (limited)
        {
            var error = await limited!.ReadJsonAsync();
            Assert.Equal("RATE_LIMITED", error["error"]!["code"]!.GetValue<string>());
            Assert.Equal("globex", error["error"]!["details"]!["provider"]!.GetValue<string>());
            Assert.Equal("127.0.0.1", error["error"]!["details"]!["sourceIp"]!.GetValue<string>());
            Assert.Equal(IngestOnlyCluster.PermitsPerMinute, error["error"]!["details"]!["limitPerMinute"]!.GetValue<int>());
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        Assert.All(statuses.SkipLast(1), status => Assert.Equal(HttpStatusCode.Accepted, status));
    }
}
