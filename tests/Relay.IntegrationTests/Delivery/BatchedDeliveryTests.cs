using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Delivery;

/// <summary>
/// A pending grace of one second (so a stranded event is found soon) and a scheduler that sleeps up to three
/// seconds when it knows of nothing due (so a retry delivered well before that was woken in process).
/// </summary>
public sealed class BatchedDeliveryCluster : RelayCluster
{
    protected override string Purpose => "batched-delivery";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Delivery__PendingGraceSeconds"] = "1",
        ["Relay__Delivery__SchedulerMaxSleepMs"] = "3000",
        ["Relay__Delivery__CircuitBreakerFailures"] = "1000",
    };
}

/// <summary>
/// Fan-outs and outcomes written in batches (group commit), end to end through the gateway, RabbitMQ and
/// PostgreSQL: concurrent events each delivered once per matching destination with their own attempt rows, a
/// failing destination in the same batches leaving the others' records alone, and the scheduler still delivering
/// a retry and an event whose message never came. Each test filters its destinations on event types of its own.
/// </summary>
public sealed class BatchedDeliveryTests(BatchedDeliveryCluster cluster) : IClassFixture<BatchedDeliveryCluster>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private HttpClient management = null!;
    private HttpClient ingress = null!;
    private Guid acme;

    public async Task InitializeAsync()
    {
        management = cluster.CreateClient(withManagementKey: true);
        ingress = cluster.CreateClient();
        var integrations = await management.GetFromJsonAsync<JsonNode>("/api/v1/integrations?provider=acme");
        acme = Guid.Parse(integrations!["data"]![0]!["id"]!.GetValue<string>());
    }

    public Task DisposeAsync()
    {
        management.Dispose();
        ingress.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Events_accepted_concurrently_are_each_delivered_once_to_every_matching_destination_with_their_attempts()
    {
        await using var first = await CountingSink.StartAsync();
        await using var second = await CountingSink.StartAsync();
        var firstId = await CreateAsync(new { url = first.Url, eventTypes = new[] { "many.*" } });
        var secondId = await CreateAsync(new { url = second.Url, eventTypes = new[] { "many.*" } });

        var events = await IngestConcurrentlyAsync("many.created", 300);

        await WaitAsync(() => first.DistinctEvents == events.Count && second.DistinctEvents == events.Count);
        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM normalized_events WHERE id = ANY(@events) AND status = 'processed'", events) == events.Count);
        Assert.Equal(0, first.DuplicateArrivals);
        Assert.Equal(0, second.DuplicateArrivals);

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var attempts = (await connection.QueryAsync<(Guid EventId, Guid DestinationId, int AttemptNo, int DeliveryAttemptNo, string Status, int? HttpStatus)>(
            """
            SELECT normalized_event_id, destination_id, attempt_no, delivery_attempt_no, status, http_status
            FROM delivery_attempts WHERE normalized_event_id = ANY(@events) AND destination_id = ANY(@destinations)
            """, new { events = events.ToArray(), destinations = new[] { firstId, secondId } })).AsList();
        Assert.Equal(events.Count * 2, attempts.Count);
        Assert.All(attempts, attempt => Assert.True(attempt is { Status: "success", HttpStatus: 202, DeliveryAttemptNo: 1 }, attempt.ToString()));
        Assert.All(attempts.GroupBy(a => a.EventId), perEvent =>
        {
            Assert.Equal(new[] { firstId, secondId }.Order(), perEvent.Select(a => a.DestinationId).Order());
            Assert.Equal(perEvent.Count(), perEvent.Select(a => a.AttemptNo).Distinct().Count());
        });
        // Every delivery succeeded with one attempt, every job finished, every event has its processed audit entry.
        Assert.Equal(events.Count * 2, await CountAsync(
            "SELECT count(*) FROM deliveries WHERE normalized_event_id = ANY(@events) AND status = 'succeeded' AND attempts = 1 AND lease_id IS NULL AND destination_id <> ALL(@defaults)",
            events, await DefaultDestinationsAsync()));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM processing_jobs WHERE normalized_event_id = ANY(@events) AND status IN ('queued', 'running')", events));
        Assert.Equal(events.Count * 2, await CountAsync(
            "SELECT count(*) FROM audit_entries WHERE entity_id = ANY(@events) AND action = 'event.processed' AND (details->>'destinationId')::uuid <> ALL(@defaults)",
            events, await DefaultDestinationsAsync()));
    }

    [Fact]
    public async Task A_failing_destination_delivered_alongside_leaves_the_other_deliveries_records_alone()
    {
        await using var healthy = await CountingSink.StartAsync();
        await using var broken = await CountingSink.StartAsync();
        broken.Failing = true;
        var healthyId = await CreateAsync(new { url = healthy.Url, eventTypes = new[] { "mixed.*" } });
        var brokenId = await CreateAsync(new { url = broken.Url, eventTypes = new[] { "mixed.*" } });

        var events = await IngestConcurrentlyAsync("mixed.created", 60);

        await WaitAsync(() => healthy.DistinctEvents == events.Count);
        await WaitAsync(async () => await CountAsync(
            "SELECT count(*) FROM deliveries WHERE normalized_event_id = ANY(@events) AND destination_id = @destination AND status = 'succeeded' AND attempts = 1",
            events, destination: healthyId) == events.Count);
        await WaitAsync(async () => await CountAsync(
            "SELECT count(*) FROM delivery_attempts WHERE normalized_event_id = ANY(@events) AND destination_id = @destination",
            events, destination: brokenId) >= events.Count);

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var byDestination = (await connection.QueryAsync<(Guid DestinationId, string Status, int? HttpStatus, string? Error)>(
            "SELECT destination_id, status, http_status, error_message FROM delivery_attempts WHERE normalized_event_id = ANY(@events) AND destination_id = ANY(@destinations)",
            new { events = events.ToArray(), destinations = new[] { healthyId, brokenId } })).ToLookup(a => a.DestinationId);
        Assert.Equal(events.Count, byDestination[healthyId].Count());
        Assert.All(byDestination[healthyId], a => Assert.True(a is { Status: "success", HttpStatus: 202, Error: null }, a.ToString()));
        Assert.All(byDestination[brokenId], a => Assert.True(a is { Status: "failed", HttpStatus: 500 }, a.ToString()));
        Assert.Equal(0, await CountAsync(
            "SELECT count(*) FROM deliveries WHERE normalized_event_id = ANY(@events) AND destination_id = @destination AND status = 'succeeded'",
            events, destination: brokenId));
        // The events wait for the broken destination's retries; none is processed while one of its deliveries is open.
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM normalized_events WHERE id = ANY(@events) AND status = 'processed'", events));
        broken.Failing = false;
    }

    [Fact]
    public async Task The_scheduler_delivers_a_retry_woken_in_process_and_an_event_whose_message_never_came()
    {
        await using var receiver = await CountingSink.StartAsync();
        receiver.Answer = count => count == 1 ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.Accepted();
        var destination = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "sweep.*" } });

        var retried = (await IngestConcurrentlyAsync("sweep.retried", 1)).Single();
        await WaitAsync(() => receiver.ArrivalsOf(retried.ToString()) == 2);
        var arrivals = receiver.Received.Where(d => d.Headers["x-event-id"] == retried.ToString()).Select(d => d.At).Order().ToList();
        // Retry delay 400 ms (200 ms base); the scheduler knew of nothing due, so without the in-process wake-up it would
        // have slept up to its 3 s maximum.
        Assert.True(arrivals[1] - arrivals[0] < TimeSpan.FromSeconds(2.5), $"retry came {arrivals[1] - arrivals[0]} after the first attempt");

        // A copy of an accepted event that never had its message: only the scheduler's stranded sweep can deliver it.
        var stranded = Guid.CreateVersion7();
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                """
                WITH source AS (SELECT * FROM normalized_events WHERE id = @retried),
                webhook AS (
                    INSERT INTO webhook_events
                    SELECT (jsonb_populate_record(NULL::webhook_events, to_jsonb(w) || jsonb_build_object('id', @webhookId, 'idempotency_key', 'stranded-' || @webhookId::text))).*
                    FROM webhook_events w JOIN source ON w.id = source.webhook_event_id
                )
                INSERT INTO normalized_events
                SELECT (jsonb_populate_record(NULL::normalized_events, to_jsonb(s) || jsonb_build_object(
                    'id', @stranded, 'webhook_event_id', @webhookId, 'status', 'pending', 'processing_attempts', 0, 'fanned_out_at', NULL,
                    'last_error', NULL, 'last_processed_at', NULL, 'lease_id', NULL, 'lease_expires_at', NULL, 'replay_request_id', NULL,
                    'next_attempt_at', now()))).*
                FROM source s
                """, new { retried, stranded, webhookId = Guid.CreateVersion7() });
        }
        await WaitAsync(() => receiver.HasReceived(stranded.ToString()));
        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM normalized_events WHERE id = ANY(@events) AND status = 'processed'", [retried, stranded]) == 2);
        Assert.Equal(1, await CountAsync(
            "SELECT count(*) FROM delivery_attempts WHERE normalized_event_id = ANY(@events) AND destination_id = @destination AND status = 'success'",
            [stranded], destination: destination));
    }

    private async Task<Guid> CreateAsync(object body)
    {
        using var response = await management.PostAsJsonAsync($"/api/v1/integrations/{acme}/destinations", body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return Guid.Parse(json["data"]!["id"]!.GetValue<string>());
    }

    private async Task<List<Guid>> IngestConcurrentlyAsync(string eventType, int count)
    {
        using var senders = new SemaphoreSlim(32);
        return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await senders.WaitAsync();
            try
            {
                using var response = await ingress.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(eventType: eventType, data: new { id = $"{eventType}-{i}", amount = i })));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                return Guid.Parse((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());
            }
            finally
            {
                senders.Release();
            }
        }))];
    }

    private async Task<Guid[]> DefaultDestinationsAsync() =>
        [.. (await CountRowsAsync<Guid>("SELECT id FROM destinations WHERE is_default"))];

    private async Task<IReadOnlyList<T>> CountRowsAsync<T>(string sql)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql)).AsList();
    }

    private async Task<long> CountAsync(string sql, IReadOnlyList<Guid> events, Guid[]? defaults = null, Guid? destination = null)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, new { events = events.ToArray(), defaults = defaults ?? [], destination });
    }

    private async Task WaitAsync(Func<bool> condition) => await WaitAsync(() => Task.FromResult(condition()));

    private async Task WaitAsync(Func<Task<bool>> condition)
    {
        var met = await Webhooks.EventuallyAsync(condition, ok => ok, Patience);
        Assert.True(met, cluster.Logs());
    }
}
