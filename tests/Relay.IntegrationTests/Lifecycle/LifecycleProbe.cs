using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Lifecycle;

public sealed record AcceptedEvent(Guid EventId, string CorrelationId);

public sealed class AttemptRow
{
    public int AttemptNo { get; init; }
    public string Status { get; init; } = "";
    public int? HttpStatus { get; init; }
    public string? ResponseBody { get; init; }
    public string? ErrorMessage { get; init; }
    public int DurationMs { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed class EventRow
{
    public string Status { get; init; } = "";
    public int ProcessingAttempts { get; init; }
    public int AttemptBudgetStart { get; init; }
    public string? LastError { get; init; }
    public DateTime? LastProcessedAt { get; init; }
    public Guid? LeaseId { get; init; }
    public Guid? ReplayRequestId { get; init; }
    public string CorrelationId { get; init; } = "";
}

public sealed class JobRow
{
    public string TriggeredBy { get; init; } = "";
    public string Status { get; init; } = "";
    public int AttemptNo { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
}

public sealed record AuditRow(string Action, JsonNode Details);

/// <summary>What the lifecycle tests send through the gateway and read back from the cluster's database.</summary>
public sealed class LifecycleProbe(RelayCluster cluster) : IAsyncDisposable
{
    private readonly NpgsqlDataSource database = cluster.OpenDatabase();
    private readonly HttpClient client = cluster.CreateClient();

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task<AcceptedEvent> IngestAcmeAsync(object? data = null)
    {
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(data: data ?? new { id = "inv_1", amount = 100 })));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = (await response.ReadJsonAsync())["data"]!;
        return new AcceptedEvent(Guid.Parse(body["eventId"]!.GetValue<string>()), body["correlationId"]!.GetValue<string>());
    }

    public async Task<EventRow> EventAsync(Guid eventId)
    {
        await using var connection = await database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<EventRow>(
            """
            SELECT status AS Status, processing_attempts AS ProcessingAttempts, attempt_budget_start AS AttemptBudgetStart, last_error AS LastError,
                   last_processed_at AS LastProcessedAt, lease_id AS LeaseId, replay_request_id AS ReplayRequestId, correlation_id AS CorrelationId
            FROM normalized_events WHERE id = @eventId
            """, new { eventId });
    }

    /// <summary>Waits for the event to reach <paramref name="status"/>, failing with the services' logs if it does not.</summary>
    public async Task<EventRow> WaitForStatusAsync(Guid eventId, string status, TimeSpan? timeout = null)
    {
        var row = await Webhooks.EventuallyAsync(() => EventAsync(eventId), e => e.Status == status, timeout ?? Patience);
        Assert.True(row.Status == status, $"Event {eventId} is '{row.Status}' (attempts {row.ProcessingAttempts}, last error {row.LastError}), expected '{status}'.\n{cluster.Logs()}");
        return row;
    }

    public async Task<List<AttemptRow>> AttemptsAsync(Guid eventId)
    {
        await using var connection = await database.OpenConnectionAsync();
        return (await connection.QueryAsync<AttemptRow>(
            """
            SELECT attempt_no AS AttemptNo, status AS Status, http_status AS HttpStatus, response_body AS ResponseBody,
                   error_message AS ErrorMessage, duration_ms AS DurationMs, created_at AS CreatedAt
            FROM delivery_attempts WHERE normalized_event_id = @eventId ORDER BY attempt_no
            """, new { eventId })).AsList();
    }

    public async Task<List<JobRow>> JobsAsync(Guid eventId)
    {
        await using var connection = await database.OpenConnectionAsync();
        return (await connection.QueryAsync<JobRow>(
            """
            SELECT triggered_by AS TriggeredBy, status AS Status, attempt_no AS AttemptNo, started_at AS StartedAt, completed_at AS CompletedAt
            FROM processing_jobs WHERE normalized_event_id = @eventId ORDER BY created_at, id
            """, new { eventId })).AsList();
    }

    /// <summary>The event's audit trail, its webhook's and its replay requests' entries included, in order.</summary>
    public async Task<List<AuditRow>> AuditAsync(Guid eventId)
    {
        await using var connection = await database.OpenConnectionAsync();
        // By time, as the audit API orders: event.queued is stamped when its outbox transaction began, before the
        // broker had the message, but its row can be committed after a fast delivery's event.processed.
        var rows = await connection.QueryAsync<(string Action, string Details)>(
            """
            SELECT action, details::text FROM audit_entries
            WHERE entity_id = @eventId
               OR entity_id = (SELECT webhook_event_id FROM normalized_events WHERE id = @eventId)
               OR entity_id IN (SELECT id FROM replay_requests WHERE normalized_event_id = @eventId)
            ORDER BY created_at, id
            """, new { eventId });
        return rows.Select(row => new AuditRow(row.Action, JsonNode.Parse(row.Details)!)).ToList();
    }

    public async Task<(string Status, DateTime? ProcessedAt)> ReplayRequestAsync(Guid replayRequestId)
    {
        await using var connection = await database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, DateTime?)>(
            "SELECT status, processed_at FROM replay_requests WHERE id = @replayRequestId", new { replayRequestId });
    }

    /// <summary>The replay request as Management.Api answers it (<c>GET /api/v1/replays/{id}</c>).</summary>
    public async Task<JsonNode> ReplayThroughApiAsync(Guid replayRequestId)
    {
        using var managementClient = cluster.CreateClient(withManagementKey: true);
        using var response = await managementClient.GetAsync($"/api/v1/replays/{replayRequestId}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/v1/replays/{replayRequestId} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["data"]!;
    }

    public async Task<int> OutboxRowsAsync()
    {
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_messages");
    }

    /// <summary>Points the integration somewhere else; returns the URL it had.</summary>
    public async Task<string> SetCallbackUrlAsync(string provider, string callbackUrl)
    {
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>(
            """
            UPDATE integrations i SET callback_url = @callbackUrl, updated_at = now()
            FROM integrations old WHERE old.id = i.id AND i.provider = @provider
            RETURNING old.callback_url
            """, new { provider, callbackUrl }) ?? throw new InvalidOperationException($"No integration {provider}");
    }

    public async Task SetIntegrationActiveAsync(string provider, bool active)
    {
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE integrations SET is_active = @active, updated_at = now() WHERE provider = @provider", new { provider, active });
    }

    /// <summary>A loopback URL nobody listens on: every delivery to it fails with "connection refused".</summary>
    public static string UnreachableUrl() => $"http://127.0.0.1:{RelayCluster.FreePort()}/unreachable";

    /// <summary>
    /// Asks for a replay exactly as Management.Api's <c>POST /events/{id}/replay</c> records one: the request
    /// (queued), its job (queued, triggered by replay, attempt = attempts so far + 1), audit <c>replay.requested</c>
    /// and the <c>ReplayRequested</c> outbox row, in one transaction.
    /// </summary>
    public async Task<Guid> RequestReplayAsync(Guid eventId, string reason, string correlationId, bool publish = true)
    {
        var requestId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        var outbox = OutboxEntry.For(new ReplayRequested(requestId, eventId, "lifecycle-test", correlationId, now));
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var parameters = new DynamicParameters(new
        {
            Id = requestId,
            JobId = Guid.CreateVersion7(),
            EventId = eventId,
            RequestedBy = "lifecycle-test",
            Reason = reason,
            RequestedAt = now,
            ReplayAuditDetails = System.Text.Json.JsonSerializer.Serialize(new { eventId, reason, correlationId }, System.Text.Json.JsonSerializerOptions.Web),
        });
        parameters.AddDynamicParams(outbox);
        await connection.ExecuteAsync(
            """
            INSERT INTO replay_requests (id, normalized_event_id, requested_by, reason, status, created_at)
            VALUES (@Id, @EventId, @RequestedBy, @Reason, 'queued', @RequestedAt);
            INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
            SELECT @JobId, @EventId, 'replay-requested', 'replay', 'queued', processing_attempts + 1, @RequestedAt, @RequestedAt
            FROM normalized_events WHERE id = @EventId;
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at)
            VALUES ('replay_request', @Id, 'replay.requested', @RequestedBy, CAST(@ReplayAuditDetails AS jsonb), @RequestedAt);
            """ + (publish ? OutboxEntry.InsertSql : ""), parameters, transaction);
        await transaction.CommitAsync();
        return requestId;
    }

    /// <summary>Asks Management.Api for a replay through the gateway (<c>POST /api/v1/events/{id}/replay</c>).</summary>
    public async Task<Guid> RequestReplayThroughApiAsync(Guid eventId, string reason, string requestId)
    {
        using var managementClient = cluster.CreateClient(withManagementKey: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{eventId}/replay")
        {
            Content = Webhooks.Json(System.Text.Json.JsonSerializer.Serialize(new { requestedBy = "lifecycle-test", reason })),
        };
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await managementClient.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"replay request answered {(int)response.StatusCode}: {body}");
        var data = JsonNode.Parse(body)!["data"]!;
        Assert.Equal(eventId.ToString(), data["eventId"]!.GetValue<string>());
        return Guid.Parse(data["replayRequestId"]!.GetValue<string>());
    }

    /// <summary>Writes one more <c>EventAccepted</c> for an event to the outbox, as a crashed publisher would send it twice.</summary>
    public async Task DuplicateEventAcceptedAsync(AcceptedEvent accepted, int copies)
    {
        var outbox = OutboxEntry.For(new EventAccepted(accepted.EventId, "acme", accepted.CorrelationId, DateTimeOffset.UtcNow));
        await using var connection = await database.OpenConnectionAsync();
        for (var i = 0; i < copies; i++)
        {
            await connection.ExecuteAsync(OutboxEntry.InsertSql, outbox);
        }
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await database.DisposeAsync();
    }
}
