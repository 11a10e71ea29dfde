using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// What the operator console's event page reads, through the gateway: the trace id of the request that brought the
/// event in, its stored request with every credential redacted (as stored, and again on the way out for rows stored
/// before a rule existed), its attempts grouped under each destination's delivery, and its audit trail by event id.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed partial class ConsoleEventDetailTests(RelayCluster cluster) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly HttpClient management = cluster.CreateClient(withManagementKey: true);
    private readonly HttpClient webhooks = cluster.CreateClient();

    public void Dispose()
    {
        management.Dispose();
        webhooks.Dispose();
    }

    [Fact]
    public async Task The_event_carries_the_trace_id_of_the_callers_traceparent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = Webhooks.Acme(Webhooks.AcmeBody(eventType: ManagementData.Unique("console.trace")));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var eventId = await ManagementData.IngestAsync(webhooks, request);

        var detail = await DetailAsync(eventId);

        // The gateway continues the caller's trace, so the event's trace is the caller's.
        Assert.Equal(traceId, detail["traceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_traceparent_the_event_carries_the_trace_the_gateway_started()
    {
        var eventId = await ManagementData.IngestAsync(webhooks, Webhooks.Acme(Webhooks.AcmeBody(eventType: ManagementData.Unique("console.trace"))));

        var traceId = (await DetailAsync(eventId))["traceId"]!.GetValue<string>();

        Assert.Matches(TraceIdPattern(), traceId);
        Assert.NotEqual(new string('0', 32), traceId);
    }

    [Fact]
    public async Task Credential_headers_are_never_returned_and_signatures_and_other_headers_are()
    {
        await using var sink = await CountingSink.StartAsync();
        var integration = await ConsoleIntegration.CreateAsync(management, sink.Url);
        var credentials = new Dictionary<string, string>
        {
            ["Authorization"] = $"Bearer caller-credential-{Guid.NewGuid():N}",
            ["Proxy-Authorization"] = $"Basic proxy-credential-{Guid.NewGuid():N}",
            ["Cookie"] = $"session=cookie-credential-{Guid.NewGuid():N}",
            ["x-internal-api-key"] = $"internal-credential-{Guid.NewGuid():N}",
        };
        var kept = new Dictionary<string, string> { ["X-Console-Signature"] = "sha256=0123abcd", ["X-Tenant"] = "tenant-7" };
        var eventId = await ManagementData.IngestAsync(webhooks, integration.Webhook(ManagementData.Unique("console.redact"), credentials.Concat(kept).ToDictionary()));

        var json = await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}");
        var headers = Assert.IsType<JsonObject>(json["data"]!["webhook"]!["requestHeaders"]);

        Assert.Equal("[REDACTED]", headers["x-console-token"]?.GetValue<string>());
        Assert.Equal("[REDACTED]", headers["authorization"]?.GetValue<string>());
        Assert.Equal("[REDACTED]", headers["cookie"]?.GetValue<string>());
        // Whatever the gateway passes on of these is redacted too.
        Assert.All(["proxy-authorization", "x-internal-api-key"], name => Assert.True(headers[name] is null || headers[name]!.GetValue<string>() == "[REDACTED]", $"{name}: {headers[name]}"));
        Assert.Equal("sha256=0123abcd", headers["x-console-signature"]!.GetValue<string>());
        Assert.Equal("tenant-7", headers["x-tenant"]!.GetValue<string>());
        var text = json.ToJsonString();
        Assert.DoesNotContain(integration.Secret, text, StringComparison.Ordinal);
        Assert.All(credentials.Values, value => Assert.DoesNotContain(value.Split(' ', '=')[^1], text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_row_stored_with_credentials_before_they_were_redacted_returns_them_redacted()
    {
        await using var sink = await CountingSink.StartAsync();
        var integration = await ConsoleIntegration.CreateAsync(management, sink.Url);
        var stored = new Dictionary<string, string>
        {
            ["authorization"] = "Bearer old-row-credential",
            ["proxy-authorization"] = "Basic old-row-proxy",
            ["cookie"] = "sid=old-row-cookie",
            ["x-internal-api-key"] = "old-row-internal-key",
            // The integration's token header, in the case it was stored: its value is the integration's secret.
            ["x-console-token"] = integration.Secret,
            ["x-console-signature"] = "sha256=old-row-signature",
            ["content-type"] = "application/json",
        };
        var eventId = Guid.NewGuid();
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            var webhookId = Guid.NewGuid();
            await connection.ExecuteAsync(
                """
                INSERT INTO webhook_events (id, integration_id, provider, idempotency_key, signature_valid, request_headers, raw_payload, received_at)
                VALUES (@webhookId, @integrationId, @provider, @idempotencyKey, true, CAST(@headers AS jsonb), '{"old":true}', now());
                INSERT INTO normalized_events (id, webhook_event_id, integration_id, provider, event_type, occurred_at, normalized_payload, status,
                                               correlation_id, received_at, next_attempt_at, created_at, updated_at)
                VALUES (@eventId, @webhookId, @integrationId, @provider, 'console.old', now(), '{}', 'processed', 'old-row', now(), @farFuture, now(), now());
                """,
                new
                {
                    webhookId, eventId, integrationId = integration.Id, provider = integration.Provider, idempotencyKey = $"{integration.Provider}:old-{eventId}",
                    headers = JsonSerializer.Serialize(stored), farFuture = ManagementData.FarFuture,
                });
        }

        var json = await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}");
        var headers = json["data"]!["webhook"]!["requestHeaders"]!;

        Assert.All(["authorization", "proxy-authorization", "cookie", "x-internal-api-key", "x-console-token"],
            name => Assert.Equal("[REDACTED]", headers[name]!.GetValue<string>()));
        Assert.Equal("sha256=old-row-signature", headers["x-console-signature"]!.GetValue<string>());
        Assert.Equal("application/json", headers["content-type"]!.GetValue<string>());
        Assert.DoesNotContain("old-row-credential", json.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(integration.Secret, json.ToJsonString(), StringComparison.Ordinal);
        // Stored before trace ids were.
        Assert.Null(json["data"]!["traceId"]);
    }

    [Fact]
    public async Task Every_attempt_names_its_destination_and_delivery_in_the_event_detail_and_the_deliveries_list()
    {
        await using var healthy = await CountingSink.StartAsync();
        await using var broken = await CountingSink.StartAsync();
        broken.Failing = true;
        var integration = await ConsoleIntegration.CreateAsync(management, healthy.Url);
        await integration.AddDestinationGivingUpAfterTwoAttemptsAsync(management, broken.Url);
        var eventId = await ManagementData.IngestAsync(webhooks, integration.Webhook(ManagementData.Unique("console.attempts")));

        var detail = await Webhooks.EventuallyAsync(() => DetailAsync(eventId),
            d => d["deliveries"]!.AsArray().Count == 2 && d["deliveries"]!.AsArray().All(v => v!["status"]!.GetValue<string>() is "succeeded" or "failed"), Patience);

        var attempts = detail["deliveryAttempts"]!.AsArray().Select(attempt => attempt!).ToList();
        Assert.Equal(3, attempts.Count);
        foreach (var delivery in detail["deliveries"]!.AsArray().Select(delivery => delivery!))
        {
            var own = attempts.Where(attempt => attempt["deliveryId"]?.GetValue<string>() == delivery["id"]!.GetValue<string>()).ToList();
            Assert.Equal(delivery["attempts"]!.GetValue<int>(), own.Count);
            Assert.All(own, attempt => Assert.Equal(delivery["destinationId"]!.GetValue<string>(), attempt["destinationId"]!.GetValue<string>()));
        }
        Assert.Equal([1, 2], detail["deliveries"]!.AsArray().Select(delivery => delivery!["attempts"]!.GetValue<int>()).Order());

        var listed = (await ManagementData.GetJsonAsync(management, $"/api/v1/deliveries?eventId={eventId}"))["data"]!.AsArray();
        Assert.Equal(
            attempts.Select(attempt => (attempt["id"]!.GetValue<string>(), attempt["destinationId"]!.GetValue<string>(), attempt["deliveryId"]!.GetValue<string>())).Order(),
            listed.Select(attempt => (attempt!["id"]!.GetValue<string>(), attempt["destinationId"]!.GetValue<string>(), attempt["deliveryId"]!.GetValue<string>())).Order());
    }

    /// <summary>
    /// By the event's id: its normalization, queueing, deliveries and replay dispatches. The webhook's arrival
    /// (<c>webhook.received</c>) is stored under the webhook's id and a replay's request (<c>replay.requested</c>) under
    /// the replay request's id, so a console asks for those by their own ids (both are in the event detail).
    /// </summary>
    [Fact]
    public async Task The_audit_trail_by_event_id_holds_what_happened_to_the_event()
    {
        await using var sink = await CountingSink.StartAsync();
        var integration = await ConsoleIntegration.CreateAsync(management, sink.Url);
        var eventId = await ManagementData.IngestAsync(webhooks, integration.Webhook(ManagementData.Unique("console.audit")));
        await Webhooks.EventuallyAsync(() => DetailAsync(eventId), d => d["event"]!["status"]!.GetValue<string>() == "processed", Patience);
        string replayRequestId;
        using (var replay = await management.PostAsJsonAsync($"/api/v1/events/{eventId}/replay", new { requestedBy = "console-test", reason = "audit trail" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
            replayRequestId = (await replay.ReadJsonAsync())["data"]!["replayRequestId"]!.GetValue<string>();
        }
        await Webhooks.EventuallyAsync(() => Task.FromResult(sink.ArrivalsOf(eventId.ToString())), arrivals => arrivals >= 2, Patience);

        var actions = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(management, $"/api/v1/audit-entries?entityId={eventId}&pageSize=100"))["data"]!.AsArray()
                .Select(entry => entry!["action"]!.GetValue<string>()).ToHashSet(),
            found => found.Contains("replay.dispatched") && found.Contains("event.processed"), Patience);

        Assert.Superset(new HashSet<string> { "event.normalized", "event.queued", "event.processed", "replay.dispatched" }, actions);
        Assert.DoesNotContain("webhook.received", actions);
        Assert.DoesNotContain("replay.requested", actions);

        var detail = await DetailAsync(eventId);
        var webhookEventId = detail["event"]!["webhookEventId"]!.GetValue<string>();
        Assert.Equal(replayRequestId, detail["replayRequests"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(["webhook.received"], await ActionsAsync(webhookEventId));
        Assert.Equal(["replay.requested"], await ActionsAsync(replayRequestId));
    }

    private async Task<List<string>> ActionsAsync(string entityId) =>
        (await ManagementData.GetJsonAsync(management, $"/api/v1/audit-entries?entityId={entityId}"))["data"]!.AsArray()
            .Select(entry => entry!["action"]!.GetValue<string>()).ToList();

    private async Task<JsonNode> DetailAsync(Guid eventId) =>
        (await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}"))["data"]!;

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial System.Text.RegularExpressions.Regex TraceIdPattern();
}
