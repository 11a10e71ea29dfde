using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Replays;

/// <summary>
/// What the bulk replay tests share: a counting sink as a destination of the acme integration that takes only the
/// event types of one test (<c>{prefix}.*</c>), webhooks sent through the gateway, and the bulk replay routes.
/// </summary>
internal sealed class BulkReplayScenario : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly RelayCluster cluster;
    private readonly HttpClient ingress;

    private BulkReplayScenario(RelayCluster cluster, CountingSink sink, string prefix)
    {
        this.cluster = cluster;
        Sink = sink;
        Prefix = prefix;
        Management = cluster.CreateClient(withManagementKey: true);
        ingress = cluster.CreateClient();
    }

    public CountingSink Sink { get; }
    public string Prefix { get; }
    public HttpClient Management { get; }

    public string Type(string name) => $"{Prefix}.{name}";

    public static async Task<BulkReplayScenario> StartAsync(RelayCluster cluster)
    {
        var sink = await CountingSink.StartAsync();
        var scenario = new BulkReplayScenario(cluster, sink, $"bulk{Guid.NewGuid():N}"[..20]);
        var integrations = await scenario.Management.GetFromJsonAsync<JsonNode>("/api/v1/integrations?provider=acme");
        var acme = integrations!["data"]![0]!["id"]!.GetValue<string>();
        using var response = await scenario.Management.PostAsJsonAsync($"/api/v1/integrations/{acme}/destinations",
            new { url = sink.Url, eventTypes = new[] { $"{scenario.Prefix}.*" } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return scenario;
    }

    /// <summary>Sends <paramref name="count"/> acme webhooks of <paramref name="eventType"/> through the gateway, 32 at a time.</summary>
    public async Task<List<Guid>> IngestAsync(string eventType, int count)
    {
        using var senders = new SemaphoreSlim(32);
        return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await senders.WaitAsync();
            try
            {
                return await IngestOneAsync(eventType, i);
            }
            finally
            {
                senders.Release();
            }
        }))];
    }

    public async Task<Guid> IngestOneAsync(string eventType, int n = 0)
    {
        using var response = await ingress.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(eventType: eventType, data: new { id = $"{eventType}-{n}", amount = n })));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"ingest answered {(int)response.StatusCode}: {body}");
        return Guid.Parse(JsonNode.Parse(body)!["data"]!["eventId"]!.GetValue<string>());
    }

    /// <summary>
    /// Waits until every event has reached the sink and is processed; returns how often each arrived. Delivery is at
    /// least once, so a first delivery may come twice (a lease lost under load); the replay tests count from here.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, int>> WaitDeliveredAsync(IReadOnlyCollection<Guid> events)
    {
        await WaitArrivalsAsync(events, e => 1, exact: false);
        return events.ToDictionary(e => e, e => Sink.ArrivalsOf(e.ToString()));
    }

    /// <summary>Waits until each event has arrived exactly once more than in <paramref name="before"/> and is processed again, failing on more.</summary>
    public Task WaitDeliveredAgainAsync(IReadOnlyCollection<Guid> events, IReadOnlyDictionary<Guid, int> before) =>
        WaitArrivalsAsync(events, e => before[e] + 1, exact: true);

    private async Task WaitArrivalsAsync(IReadOnlyCollection<Guid> events, Func<Guid, int> expected, bool exact)
    {
        var arrived = await Webhooks.EventuallyAsync(
            () => Task.FromResult(events.Count(e => Sink.ArrivalsOf(e.ToString()) >= expected(e))), count => count == events.Count, Patience);
        Assert.True(arrived == events.Count, $"{arrived} of {events.Count} events arrived as often as expected\n{cluster.Logs()}");
        var processed = await Webhooks.EventuallyAsync(
            () => CountAsync("SELECT count(*) FROM normalized_events WHERE id = ANY(@events) AND status = 'processed'", events),
            count => count == events.Count, Patience);
        Assert.True(processed == events.Count, $"{processed} of {events.Count} events processed\n{cluster.Logs()}");
        if (exact)
        {
            var extra = events.Where(e => Sink.ArrivalsOf(e.ToString()) != expected(e)).ToList();
            Assert.True(extra.Count == 0, $"{extra.Count} events arrived more often than once more, e.g. {extra.FirstOrDefault()}\n{cluster.Logs()}");
        }
    }

    public async Task<long> CountAsync(string sql, IReadOnlyCollection<Guid> events, Guid? job = null)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, new { events = events.ToArray(), job });
    }

    public async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostAsync(string path, object body)
    {
        var response = await Management.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!, response);
    }

    /// <summary>Creates a bulk replay of the events of <paramref name="eventType"/> and returns the job as answered (202).</summary>
    public async Task<JsonNode> StartBulkReplayAsync(string eventType, int eventsPerSecond, string requestedBy = "ops-bulk")
    {
        var (status, body, response) = await PostAsync("/api/v1/replays/bulk", new
        {
            filter = new { eventType, provider = "acme" },
            eventsPerSecond,
            requestedBy,
            reason = "downstream outage, replay everything",
        });
        using var _ = response;
        Assert.True(status == HttpStatusCode.Accepted, body.ToJsonString());
        var job = body["data"]!;
        Assert.Equal($"/api/v1/replays/bulk/{job["id"]!.GetValue<string>()}", response.Headers.Location?.OriginalString);
        return job;
    }

    public async Task<JsonNode> GetJobAsync(string id)
    {
        using var response = await Management.GetAsync($"/api/v1/replays/bulk/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["data"]!;
    }

    public async Task<JsonNode> WaitForJobAsync(string id, Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        var job = await Webhooks.EventuallyAsync(() => GetJobAsync(id), condition, timeout ?? Patience);
        Assert.True(condition(job), $"{job.ToJsonString()}\n{cluster.Logs()}");
        return job;
    }

    public async ValueTask DisposeAsync()
    {
        Management.Dispose();
        ingress.Dispose();
        await Sink.DisposeAsync();
    }
}

internal static class JobFields
{
    public static string Status(this JsonNode job) => job["status"]!.GetValue<string>();
    public static int Replayed(this JsonNode job) => job["replayed"]!.GetValue<int>();
    public static int Total(this JsonNode job) => job["total"]!.GetValue<int>();
    public static string Id(this JsonNode job) => job["id"]!.GetValue<string>();
}
