using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// Test data for the management routes. Events come in through the gateway like any webhook, or, where a test
/// needs statuses and timestamps it controls, are written straight into the tables in a state the workers
/// leave alone (finished, or due only in 2100). Every test uses values unique to itself (a GUID in the event
/// type or subject), because the shared cluster holds other tests' data.
/// </summary>
internal static class ManagementData
{
    public static readonly DateTime FarFuture = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static string Unique(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    public static string AcmeBody(string eventType, string? subject = null, string occurredAt = "2026-11-20T10:15:00Z", object? data = null, string? eventId = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["eventId"] = eventId ?? $"evt_{Guid.NewGuid():N}",
            ["eventType"] = eventType,
            ["occurredAt"] = occurredAt,
            ["subject"] = subject,
            ["data"] = data ?? new { id = "inv_123", amount = 4200 },
        }.Where(pair => pair.Value is not null).ToDictionary());

    /// <summary>Sends a webhook through the gateway and returns the new event's id.</summary>
    public static async Task<Guid> IngestAsync(HttpClient client, HttpRequestMessage webhook)
    {
        using var _ = webhook;
        using var response = await client.SendAsync(webhook);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"ingest answered {(int)response.StatusCode}: {body}");
        return Guid.Parse(JsonNode.Parse(body)!["data"]!["eventId"]!.GetValue<string>());
    }

    public static Task<Guid> IngestAcmeAsync(HttpClient client, string eventType, string? subject = null, string occurredAt = "2026-11-20T10:15:00Z") =>
        IngestAsync(client, Webhooks.Acme(AcmeBody(eventType, subject, occurredAt)));

    public static Task<Guid> IngestGlobexAsync(HttpClient client, string eventType, string resourceId = "ord_9") =>
        IngestAsync(client, Webhooks.Globex(Webhooks.GlobexBody(type: eventType, resource: new { id = resourceId, total = 10 })));

    public sealed record SeededEvent(
        string EventType,
        string Status,
        DateTime OccurredAt,
        DateTime ReceivedAt,
        DateTime CreatedAt,
        string? Subject = null,
        string Provider = "acme",
        int ProcessingAttempts = 0,
        Guid? Id = null,
        string? ExternalEventId = null);

    /// <summary>Writes a webhook and its normalized event directly, in a state no worker picks up.</summary>
    public static async Task<Guid> SeedEventAsync(NpgsqlConnection connection, SeededEvent seeded)
    {
        var integrationId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM integrations WHERE provider = @Provider", new { seeded.Provider });
        var webhookId = Guid.NewGuid();
        var eventId = seeded.Id ?? Guid.NewGuid();
        var externalId = seeded.ExternalEventId ?? $"seed_{Guid.NewGuid():N}";
        var payload = JsonSerializer.Serialize(new { provider = seeded.Provider, eventType = seeded.EventType, externalEventId = externalId, data = new { seeded = true } });
        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_events (id, integration_id, provider, external_event_id, idempotency_key, signature_valid, request_headers, raw_payload, source_ip, received_at)
            VALUES (@webhookId, @integrationId, @Provider, @externalId, @idempotencyKey, true, '{"content-type":"application/json"}'::jsonb, CAST(@payload AS jsonb), '127.0.0.1', @ReceivedAt);
            INSERT INTO normalized_events (id, webhook_event_id, integration_id, provider, event_type, subject, occurred_at, normalized_payload, status,
                                           processing_attempts, correlation_id, received_at, next_attempt_at, lease_expires_at, created_at, updated_at)
            VALUES (@eventId, @webhookId, @integrationId, @Provider, @EventType, @Subject, @OccurredAt, CAST(@payload AS jsonb), @Status,
                    @ProcessingAttempts, @correlationId, @ReceivedAt, @farFuture, @farFuture, @CreatedAt, @CreatedAt);
            """,
            new
            {
                webhookId, integrationId, seeded.Provider, externalId, idempotencyKey = $"{seeded.Provider}:{externalId}", payload, seeded.ReceivedAt,
                eventId, seeded.EventType, seeded.Subject, seeded.OccurredAt, seeded.Status, seeded.ProcessingAttempts,
                correlationId = $"seed-{eventId}", farFuture = FarFuture, seeded.CreatedAt,
            });
        return eventId;
    }

    public static async Task<Guid> SeedDeliveryAttemptAsync(NpgsqlConnection connection, Guid eventId, int attemptNo, string status, DateTime createdAt, int? httpStatus = null)
    {
        var id = Guid.NewGuid();
        await connection.ExecuteAsync(
            """
            INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, attempt_no, status, http_status, response_body, error_message, duration_ms, created_at)
            SELECT @id, e.id, e.integration_id, @attemptNo, @status, @httpStatus, @responseBody, @errorMessage, 12, @createdAt
            FROM normalized_events e WHERE e.id = @eventId
            """,
            new
            {
                id, eventId, attemptNo, status, httpStatus = httpStatus ?? (status == "success" ? 202 : 500),
                responseBody = status == "success" ? """{"accepted":true}""" : "boom",
                errorMessage = status == "success" ? null : "HTTP 500",
                createdAt,
            });
        return id;
    }

    public static async Task SeedJobAsync(NpgsqlConnection connection, Guid eventId, int attemptNo, DateTime createdAt, string triggeredBy = "retry", string status = "succeeded")
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
            VALUES (@id, @eventId, 'seeded', @triggeredBy, @status, @attemptNo, @createdAt, @createdAt)
            """,
            new { id = Guid.NewGuid(), eventId, triggeredBy, status, attemptNo, createdAt });
    }

    /// <summary>
    /// Writes a replay request directly, without its message, so no worker acts on it: finished (completed or failed),
    /// or dispatched (as if its delivery run were still going). Never queued: the replay sweep would dispatch it.
    /// </summary>
    public static async Task<Guid> SeedReplayRequestAsync(
        NpgsqlConnection connection, Guid eventId, string status, DateTime createdAt, string requestedBy = "mgmt-test", string? failureReason = null)
    {
        Assert.NotEqual("queued", status);
        var id = Guid.NewGuid();
        await connection.ExecuteAsync(
            """
            INSERT INTO replay_requests (id, normalized_event_id, requested_by, reason, status, failure_reason, created_at, processed_at)
            VALUES (@id, @eventId, @requestedBy, 'seeded replay request', @status, @failureReason, @createdAt,
                    CASE WHEN @status IN ('completed', 'failed') THEN @createdAt + interval '5 seconds' END)
            """,
            new { id, eventId, requestedBy, status, failureReason, createdAt });
        return id;
    }

    public static async Task<long> SeedAuditEntryAsync(NpgsqlConnection connection, string entityType, Guid entityId, string action, DateTime createdAt, string actor = "mgmt-test") =>
        await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at)
            VALUES (@entityType, @entityId, @action, @actor, CAST(@details AS jsonb), @createdAt) RETURNING id
            """,
            new { entityType, entityId, action, actor, details = JsonSerializer.Serialize(new { note = action, nested = new { n = 1 } }), createdAt });

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path} answered {(int)response.StatusCode} (expected {(int)expected}): {body}");
        return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!;
    }

    public static List<string> Ids(JsonNode page) => page["data"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()).ToList();

    /// <summary>Asserts the contract's validation error whose details name <paramref name="parameter"/>.</summary>
    public static async Task AssertValidationErrorAsync(HttpResponseMessage response, string parameter)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 for {parameter}, got {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(json["error"]!["details"]?[parameter]);
    }

    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? message = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.Equal(code, json["error"]!["code"]!.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, json["error"]!["message"]!.GetValue<string>());
        }
    }

    public static string Utc(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
