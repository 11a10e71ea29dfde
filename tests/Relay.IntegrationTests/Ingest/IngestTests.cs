using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

[Collection(SharedClusterCollection.Name)]
public sealed class IngestTests(RelayCluster cluster)
{
    private readonly HttpClient client = cluster.CreateClient();

    [Fact]
    public async Task Signed_acme_webhook_is_accepted_then_recognised_as_a_duplicate()
    {
        var body = Webhooks.AcmeBody();

        using var first = await client.SendAsync(Webhooks.Acme(body));
        var accepted = await first.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.True(accepted["success"]!.GetValue<bool>());
        var eventId = accepted["data"]!["eventId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(eventId, out _));
        Assert.Equal("queued", accepted["data"]!["status"]!.GetValue<string>());
        Assert.False(accepted["data"]!["duplicate"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(accepted["data"]!["correlationId"]!.GetValue<string>()));
        Assert.True(first.Headers.Contains("X-Request-Id"));

        using var second = await client.SendAsync(Webhooks.Acme(body));
        var duplicate = await second.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(eventId, duplicate["data"]!["eventId"]!.GetValue<string>());
        Assert.Equal("duplicate", duplicate["data"]!["status"]!.GetValue<string>());
        Assert.True(duplicate["data"]!["duplicate"]!.GetValue<bool>());
        Assert.Equal($"duplicate:{eventId}", duplicate["data"]!["correlationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accepted_event_is_stored_with_its_job_audit_trail_and_redacted_headers()
    {
        var externalId = $"evt_{Guid.NewGuid():N}";
        var body = Webhooks.AcmeBody(externalId, subject: "customer_42");
        using var request = Webhooks.Acme(body);
        request.Headers.Add("X-Request-Id", $"req-{externalId}");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = Guid.Parse((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());
        Assert.Equal($"req-{externalId}", response.Headers.GetValues("X-Request-Id").Single());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Provider, string EventType, string Subject, DateTime OccurredAt, string Headers, string SourceIp, string IdempotencyKey, string CorrelationId, bool SignatureValid)>(
            """
            SELECT e.provider, e.event_type, e.subject, e.occurred_at, w.request_headers::text, host(w.source_ip), w.idempotency_key, e.correlation_id, w.signature_valid
            FROM normalized_events e JOIN webhook_events w ON w.id = e.webhook_event_id WHERE e.id = @eventId
            """, new { eventId });
        Assert.Equal("acme", stored.Provider);
        Assert.Equal("invoice.paid", stored.EventType);
        Assert.Equal("customer_42", stored.Subject);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 15, 0, DateTimeKind.Utc), stored.OccurredAt.ToUniversalTime());
        Assert.Equal($"acme:{externalId}", stored.IdempotencyKey);
        Assert.Equal($"req-{externalId}", stored.CorrelationId);
        Assert.Equal("127.0.0.1", stored.SourceIp);
        Assert.True(stored.SignatureValid);
        var headers = JsonNode.Parse(stored.Headers)!;
        Assert.Equal("[REDACTED]", headers["x-acme-signature"]!.GetValue<string>());
        Assert.DoesNotContain(Webhooks.Sign(body), stored.Headers);
        // The provider's request, not the gateway's hop: the host it called, its address, no hop-by-hop headers.
        Assert.Equal(cluster.GatewayAddress.Authority, headers["host"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        foreach (var hop in new[] { "connection", "x-original-for", "x-original-host", "x-forwarded-host", "traceparent" })
        {
            Assert.Null(headers[hop]);
        }

        var job = await connection.QuerySingleAsync<(string TriggeredBy, int AttemptNo)>(
            "SELECT triggered_by, attempt_no FROM processing_jobs WHERE normalized_event_id = @eventId ORDER BY created_at LIMIT 1", new { eventId });
        Assert.Equal(("webhook", 1), job);

        // event.queued is written once the outbox publisher has handed the message to RabbitMQ.
        var actions = await Webhooks.EventuallyAsync(
            async () => (await connection.QueryAsync<string>(
                """
                SELECT action FROM audit_entries
                WHERE entity_id = @eventId OR entity_id = (SELECT webhook_event_id FROM normalized_events WHERE id = @eventId)
                ORDER BY id
                """, new { eventId })).ToList(),
            list => list.Contains("event.queued"), TimeSpan.FromSeconds(15));
        Assert.Equal(["webhook.received", "event.normalized", "event.queued"], actions.Take(3));
    }

    [Fact]
    public async Task Tampered_signature_is_rejected_and_leaves_no_row()
    {
        var externalId = $"evt_{Guid.NewGuid():N}";
        var body = Webhooks.AcmeBody(externalId);
        var tampered = body.Replace("4200", "9999");

        using var response = await client.SendAsync(Webhooks.Acme(tampered, Webhooks.Sign(body)));
        var error = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(error["success"]!.GetValue<bool>());
        Assert.Equal("UNAUTHORIZED", error["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Invalid acme webhook signature", error["error"]!["message"]!.GetValue<string>());
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE external_event_id = @externalId", new { externalId }));
    }

    [Theory]
    [InlineData(null, "Missing x-acme-signature header")]
    [InlineData("", "Missing x-acme-signature header")]
    [InlineData("not-hex", "Invalid acme webhook signature")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789", "Invalid acme webhook signature")]
    public async Task Acme_signature_problems_are_401(string? signature, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = Webhooks.Json(Webhooks.AcmeBody()) };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("x-acme-signature", signature);
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(message, (await response.ReadJsonAsync())["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Globex_token_is_checked_and_never_stored()
    {
        using var wrong = await client.SendAsync(Webhooks.Globex(Webhooks.GlobexBody(), token: "not-the-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Invalid globex token", (await wrong.ReadJsonAsync())["error"]!["message"]!.GetValue<string>());

        using var right = await client.SendAsync(Webhooks.Globex(Webhooks.GlobexBody()));
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        var eventId = Guid.Parse((await right.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var (headers, subject, occurredAt) = await connection.QuerySingleAsync<(string, string, DateTime)>(
            "SELECT w.request_headers::text, e.subject, e.occurred_at FROM normalized_events e JOIN webhook_events w ON w.id = e.webhook_event_id WHERE e.id = @eventId", new { eventId });
        Assert.DoesNotContain(RelayCluster.GlobexSecret, headers);
        Assert.Equal("[REDACTED]", JsonNode.Parse(headers)!["x-globex-token"]!.GetValue<string>());
        Assert.Equal("ord_9", subject);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), occurredAt.ToUniversalTime());
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("{not json")]
    [InlineData("")]
    public async Task Body_that_is_not_a_json_object_is_400(string body)
    {
        using var response = await client.SendAsync(Webhooks.Acme(body));
        var error = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", error["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Request body must be a JSON object", error["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Payload_missing_required_fields_is_400_with_details()
    {
        var body = """{"eventId":"evt_1","occurredAt":"yesterday","data":[1]}""";
        using var response = await client.SendAsync(Webhooks.Acme(body));
        var error = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", error["error"]!["code"]!.GetValue<string>());
        var details = error["error"]!["details"]!.AsObject();
        Assert.True(details.ContainsKey("eventType"));
        Assert.True(details.ContainsKey("occurredAt"));
        Assert.True(details.ContainsKey("data"));
    }

    [Theory]
    [InlineData("x", HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData("bad!name", HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData("unknownco", HttpStatusCode.NotFound, "NOT_FOUND")]
    public async Task Provider_must_be_valid_and_have_an_active_integration(string provider, HttpStatusCode status, string code)
    {
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(), provider: provider));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.ReadJsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Provider_name_is_case_insensitive()
    {
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(), provider: "ACME"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Twenty_identical_concurrent_webhooks_make_exactly_one_event()
    {
        var externalId = $"evt_{Guid.NewGuid():N}";
        var body = Webhooks.AcmeBody(externalId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.SendAsync(Webhooks.Acme(body));
            return (response.StatusCode, EventId: (await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(responses.Select(r => r.EventId).Distinct());
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE external_event_id = @externalId", new { externalId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM audit_entries WHERE action = 'webhook.received' AND details->>'externalEventId' = @externalId", new { externalId }));
    }

    [Fact]
    public async Task Wrong_content_type_and_oversized_bodies_get_4xx_in_the_envelope()
    {
        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = new StringContent(Webhooks.AcmeBody()) };
        using var textResponse = await client.SendAsync(text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, textResponse.StatusCode);
        Assert.False((await textResponse.ReadJsonAsync())["success"]!.GetValue<bool>());

        var huge = Webhooks.AcmeBody(data: new { blob = new string('x', 1_100_000) });
        using var hugeRequest = Webhooks.Acme(huge);
        hugeRequest.Headers.ExpectContinue = true; // the 413 comes before the body is read: don't race its close with the upload
        using var hugeResponse = await client.SendAsync(hugeRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeResponse.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await hugeResponse.ReadJsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gateway_health_reports_every_dependency()
    {
        using var response = await client.GetAsync("/api/v1/health");
        var health = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", health["data"]!["status"]!.GetValue<string>());
        foreach (var dependency in new[] { "postgres", "redis", "rabbitmq" })
        {
            Assert.Equal("ok", health["data"]!["checks"]![dependency]!["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Unknown_route_is_404_in_the_envelope()
    {
        using var response = await client.GetAsync("/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (await response.ReadJsonAsync())["error"]!["code"]!.GetValue<string>());
    }
}
