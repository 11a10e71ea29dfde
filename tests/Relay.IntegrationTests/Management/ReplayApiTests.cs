using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

[Collection(SharedClusterCollection.Name)]
public sealed class ReplayApiTests(RelayCluster cluster)
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    private static HttpRequestMessage Replay(Guid eventId, string body, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{eventId}/replay") { Content = Webhooks.Json(body) };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }
        return request;
    }

    private async Task<Guid> SeedFailedEventAsync(int processingAttempts = 3)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.replay"), "failed", T0, T0, T0, ProcessingAttempts: processingAttempts));
    }

    [Fact]
    public async Task Replay_is_accepted_recorded_in_one_go_published_and_dispatched()
    {
        var eventId = await SeedFailedEventAsync(processingAttempts: 3);
        var requestId = $"req-replay-{Guid.NewGuid():N}";

        using var response = await client.SendAsync(Replay(eventId, """{"requestedBy":"ops-user","reason":"Replay after downstream outage"}""", requestId));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var json = JsonNode.Parse(body)!;
        Assert.True(json["success"]!.GetValue<bool>());
        Assert.Equal(["eventId", "replayRequestId"], json["data"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventId.ToString(), json["data"]!["eventId"]!.GetValue<string>());
        var replayId = Guid.Parse(json["data"]!["replayRequestId"]!.GetValue<string>());
        Assert.Equal($"/api/v1/replays/{replayId}", response.Headers.Location?.OriginalString);

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(Guid EventId, string RequestedBy, string Reason, string Status)>(
            "SELECT normalized_event_id, requested_by, reason, status FROM replay_requests WHERE id = @replayId", new { replayId });
        Assert.Equal((eventId, "ops-user", "Replay after downstream outage"), (stored.EventId, stored.RequestedBy, stored.Reason));
        Assert.Contains(stored.Status, new[] { "queued", "dispatched", "completed" });

        var job = await connection.QuerySingleAsync<(string QueueName, string TriggeredBy, int AttemptNo)>(
            "SELECT queue_name, triggered_by, attempt_no FROM processing_jobs WHERE normalized_event_id = @eventId AND triggered_by = 'replay'", new { eventId });
        Assert.Equal(("replay-requested", "replay", 4), job);

        var audit = await connection.QuerySingleAsync<(string EntityType, string Actor, string Details)>(
            "SELECT entity_type, actor, details::text FROM audit_entries WHERE entity_id = @replayId AND action = 'replay.requested'", new { replayId });
        Assert.Equal(("replay_request", "ops-user"), (audit.EntityType, audit.Actor));
        var details = JsonNode.Parse(audit.Details)!;
        Assert.Equal(eventId.ToString(), details["eventId"]!.GetValue<string>());
        Assert.Equal("Replay after downstream outage", details["reason"]!.GetValue<string>());
        Assert.Equal(requestId, details["correlationId"]!.GetValue<string>());

        // The outbox row is sent (and deleted) by the publisher, then Replay.Worker dispatches the request.
        var pending = await Webhooks.EventuallyAsync(
            () => connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM outbox_messages WHERE message_type = 'ReplayRequested' AND payload->>'replayRequestId' = @id", new { id = replayId.ToString() }),
            count => count == 0,
            TimeSpan.FromSeconds(15));
        Assert.True(pending == 0, $"the ReplayRequested outbox row was not sent:\n{cluster.Logs()}");

        var dispatched = await Webhooks.EventuallyAsync(
            () => connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM audit_entries WHERE entity_id = @eventId AND action = 'replay.dispatched' AND details->>'replayRequestId' = @id",
                new { eventId, id = replayId.ToString() }),
            count => count > 0,
            TimeSpan.FromSeconds(20));
        Assert.True(dispatched > 0, $"Replay.Worker never dispatched the replay:\n{cluster.Logs()}");

        var replay = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(client, $"/api/v1/replays/{replayId}"))["data"]!,
            data => data["status"]!.GetValue<string>() is "completed" or "failed",
            TimeSpan.FromSeconds(30));
        Assert.Equal("completed", replay["status"]!.GetValue<string>());
        Assert.NotNull(replay["processedAt"]);
        Assert.Null(replay["failureReason"]);
    }

    [Fact]
    public async Task A_replay_that_supersedes_an_unfinished_one_fails_it_with_the_reason()
    {
        Guid eventId, unfinished;
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.replay.supersede"), "failed", T0, T0, T0, ProcessingAttempts: 3));
            // As if its delivery run were still going when the operator asked again.
            unfinished = await ManagementData.SeedReplayRequestAsync(connection, eventId, "dispatched", T0);
        }

        using var response = await client.SendAsync(Replay(eventId, """{"reason":"the first one is stuck"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var replayId = (await response.ReadJsonAsync())["data"]!["replayRequestId"]!.GetValue<string>();

        var superseded = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(client, $"/api/v1/replays/{unfinished}"))["data"]!,
            data => data["status"]!.GetValue<string>() != "dispatched",
            TimeSpan.FromSeconds(20));
        Assert.True(superseded["status"]!.GetValue<string>() == "failed", $"{superseded.ToJsonString()}\n{cluster.Logs()}");
        Assert.Equal($"Superseded by replay {replayId}", superseded["failureReason"]!.GetValue<string>());
        Assert.NotNull(superseded["processedAt"]);
    }

    [Fact]
    public async Task The_event_audit_trail_shows_the_dispatch_with_who_asked_and_the_correlation_id()
    {
        var eventId = await SeedFailedEventAsync();
        var requestId = $"req-trail-{Guid.NewGuid():N}";
        using var response = await client.SendAsync(Replay(eventId, """{"requestedBy":"ops-trail","reason":"show me the whole story"}""", requestId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var replayId = (await response.ReadJsonAsync())["data"]!["replayRequestId"]!.GetValue<string>();

        // What an operator reads: the event's own trail, by its id alone.
        var trail = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityId={eventId}"))["data"]!.AsArray(),
            entries => entries.Any(entry => entry!["action"]!.GetValue<string>() == "replay.dispatched"),
            TimeSpan.FromSeconds(20));
        var dispatched = trail.SingleOrDefault(entry => entry!["action"]!.GetValue<string>() == "replay.dispatched");
        Assert.True(dispatched is not null, $"no replay.dispatched entry for the event:\n{cluster.Logs()}");
        Assert.Equal("normalized_event", dispatched["entityType"]!.GetValue<string>());
        Assert.Equal(eventId.ToString(), dispatched["entityId"]!.GetValue<string>());
        Assert.Equal("ops-trail", dispatched["actor"]!.GetValue<string>());
        Assert.Equal(replayId, dispatched["details"]!["replayRequestId"]!.GetValue<string>());
        Assert.Equal(requestId, dispatched["details"]!["correlationId"]!.GetValue<string>());

        // The request keeps its own entry; the dispatch is not recorded twice.
        var requestTrail = (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityId={replayId}"))["data"]!.AsArray();
        Assert.Equal(["replay.requested"], requestTrail.Select(entry => entry!["action"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Get_replay_returns_the_request_and_requested_by_defaults_to_api_user()
    {
        var eventId = await SeedFailedEventAsync(processingAttempts: 0);

        using var response = await client.SendAsync(Replay(eventId, """{"reason":"  check the defaults  "}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var replayId = (await response.ReadJsonAsync())["data"]!["replayRequestId"]!.GetValue<string>();

        var replay = (await ManagementData.GetJsonAsync(client, $"/api/v1/replays/{replayId}"))["data"]!;
        Assert.Equal(["createdAt", "eventId", "failureReason", "id", "processedAt", "reason", "requestedBy", "status"], replay.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(replayId, replay["id"]!.GetValue<string>());
        Assert.Equal(eventId.ToString(), replay["eventId"]!.GetValue<string>());
        Assert.Equal("api-user", replay["requestedBy"]!.GetValue<string>());
        Assert.Equal("check the defaults", replay["reason"]!.GetValue<string>());
        Assert.Contains(replay["status"]!.GetValue<string>(), new[] { "queued", "dispatched", "completed", "failed" });
        Assert.EndsWith("Z", replay["createdAt"]!.GetValue<string>());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT attempt_no FROM processing_jobs WHERE normalized_event_id = @eventId AND triggered_by = 'replay'", new { eventId }));
        Assert.Equal("api-user", await connection.ExecuteScalarAsync<string>(
            "SELECT actor FROM audit_entries WHERE entity_id = @id AND action = 'replay.requested'", new { id = Guid.Parse(replayId) }));
    }

    [Fact]
    public async Task An_event_can_be_replayed_more_than_once()
    {
        var eventId = await SeedFailedEventAsync();
        var ids = new HashSet<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.SendAsync(Replay(eventId, """{"reason":"again and again"}"""));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.ReadJsonAsync())["data"]!["replayRequestId"]!.GetValue<string>());
        }
        Assert.Equal(2, ids.Count);
    }

    public static TheoryData<string, string?> InvalidBodies() => new()
    {
        { "", "reason" },
        { "{}", "reason" },
        { """{"requestedBy":"ops-user"}""", "reason" },
        { """{"reason":"four"}""", "reason" },
        { """{"reason":"     "}""", "reason" },
        { $$"""{"reason":"{{new string('r', 501)}}"}""", "reason" },
        { """{"reason":12345}""", "reason" },
        { """{"reason":"long enough","requestedBy":"x"}""", "requestedBy" },
        { $$"""{"reason":"long enough","requestedBy":"{{new string('u', 121)}}"}""", "requestedBy" },
        { """{"reason":"long enough","requestedBy":42}""", "requestedBy" },
        { """{"reason":"nul \u0000 inside"}""", "reason" },
        { """{"reason":"lone \ud800 surrogate"}""", "reason" },
        { "not json", null },
        { """{"reason":""", null },
        { "[]", null },
        { "\"a string\"", null },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_bodies_answer_400_and_write_nothing(string body, string? field)
    {
        var eventId = await SeedFailedEventAsync();

        using var response = await client.SendAsync(Replay(eventId, body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        if (field is null)
        {
            Assert.Equal("Request body must be a JSON object", json["error"]!["message"]!.GetValue<string>());
        }
        else
        {
            Assert.NotNull(json["error"]!["details"]![field]);
        }
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM replay_requests WHERE normalized_event_id = @eventId", new { eventId }));
    }

    [Fact]
    public async Task A_body_without_content_type_is_still_read_and_an_oversized_one_is_413()
    {
        var eventId = await SeedFailedEventAsync();
        using var plain = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{eventId}/replay")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"reason":"no content type"}""")),
        };
        using var accepted = await client.SendAsync(plain);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        using var oversized = await client.SendAsync(Replay(eventId, $$"""{"reason":"big","padding":"{{new string('p', 100_000)}}"}"""));
        await ManagementData.AssertErrorAsync(oversized, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Unknown_events_answer_404_and_malformed_ids_400()
    {
        var unknown = Guid.NewGuid();
        using var notFound = await client.SendAsync(Replay(unknown, """{"reason":"does not exist"}"""));
        await ManagementData.AssertErrorAsync(notFound, HttpStatusCode.NotFound, "NOT_FOUND", "Event not found");

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM replay_requests WHERE normalized_event_id = @unknown", new { unknown }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'ReplayRequested' AND payload->>'eventId' = @id", new { id = unknown.ToString() }));

        foreach (var badId in new[] { "not-a-uuid", "42", "6c8f1d2e3b4a4c5d8e9f0a1b2c3d4e5f" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{badId}/replay") { Content = Webhooks.Json("""{"reason":"bad id here"}""") };
            using var malformed = await client.SendAsync(request);
            await ManagementData.AssertValidationErrorAsync(malformed, "id");
        }
    }

    [Fact]
    public async Task Get_replay_answers_404_for_unknown_and_400_for_malformed_ids()
    {
        using var unknown = await client.GetAsync($"/api/v1/replays/{Guid.NewGuid()}");
        await ManagementData.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND", "Replay request not found");

        using var malformed = await client.GetAsync("/api/v1/replays/not-a-uuid");
        await ManagementData.AssertValidationErrorAsync(malformed, "id");
    }
}
