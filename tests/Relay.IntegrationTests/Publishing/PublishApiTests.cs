using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.ApiKeys;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Management;

namespace Relay.IntegrationTests.Publishing;

/// <summary>
/// <c>POST /api/v1/events</c> through the gateway (routed to Ingress): published events travel the webhook pipeline to
/// real destinations, an Idempotency-Key makes retries (sequential and concurrent) yield exactly one event and one
/// delivery, and the key's scopes are checked. Every test publishes event types of its own.
/// </summary>
public sealed class PublishApiTests(PublishCluster cluster) : IClassFixture<PublishCluster>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private HttpClient management = null!;
    private ApiKeyClient.CreatedKey writer = null!;
    private HttpClient publisher = null!;

    public async Task InitializeAsync()
    {
        management = cluster.CreateClient(withManagementKey: true);
        writer = await ApiKeyClient.CreateAsync(cluster, ["write", "read"]);
        publisher = ApiKeyClient.With(cluster, writer.Key, asBearer: true);
    }

    public Task DisposeAsync()
    {
        management.Dispose();
        publisher.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_published_event_is_delivered_exactly_once_despite_sequential_and_concurrent_retries_with_one_idempotency_key()
    {
        var eventType = ManagementData.Unique("order.created");
        var body = Body(eventType, new { id = "ord_42", total = 1999, currency = "EUR" });
        var key = $"retry-{Guid.NewGuid():N}";

        var first = await PublishAsync(publisher, body, key);
        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.False(first.Replayed);
        var eventId = Guid.Parse(first.Json["data"]!["eventId"]!.GetValue<string>());
        Assert.Equal("queued", first.Json["data"]!["status"]!.GetValue<string>());

        var again = await PublishAsync(publisher, body, key);
        var concurrent = await Task.WhenAll(PublishAsync(publisher, body, key), PublishAsync(publisher, body, key));
        foreach (var retry in concurrent.Prepend(again))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.Status);
            Assert.True(retry.Replayed);
            Assert.Equal(first.Text, retry.Text);
        }

        var delivered = await ArrivalAsync(cluster.RelaySink, eventId);
        var payload = JsonNode.Parse(delivered.Body)!;
        Assert.Equal("relay", payload["provider"]!.GetValue<string>());
        Assert.Equal(eventType, payload["eventType"]!.GetValue<string>());
        Assert.Equal("ord_42", payload["data"]!["id"]!.GetValue<string>());
        Assert.Equal(1999, payload["data"]!["total"]!.GetValue<int>());
        await WaitProcessedAsync(eventId);
        Assert.Equal(1, cluster.RelaySink.ArrivalsOf(eventId.ToString()));
        Assert.Equal(1, await CountEventsAsync(eventType));

        // The event is an event like any: listed, with its stored request (credentials redacted).
        var listed = await ManagementData.GetJsonAsync(management, $"/api/v1/events?eventType={eventType}");
        Assert.Equal([eventId.ToString()], ManagementData.Ids(listed));
        var detail = (await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}"))["data"]!;
        Assert.Equal("relay", detail["event"]!["provider"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", detail["webhook"]!["requestHeaders"]!["authorization"]!.GetValue<string>());
        Assert.Equal(key, detail["webhook"]!["requestHeaders"]!["idempotency-key"]!.GetValue<string>());
        Assert.DoesNotContain(writer.Key[37..], detail.ToJsonString());
    }

    [Fact]
    public async Task Many_concurrent_first_requests_with_one_key_make_one_event_and_one_delivery()
    {
        var eventType = ManagementData.Unique("order.burst");
        var body = Body(eventType, new { id = "ord_burst" });
        var key = $"burst-{Guid.NewGuid():N}";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PublishAsync(publisher, body, key)));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer.Status));
        Assert.Single(answers, answer => !answer.Replayed);
        Assert.Single(answers.Select(answer => answer.Text).Distinct());
        var eventId = Guid.Parse(answers[0].Json["data"]!["eventId"]!.GetValue<string>());
        await ArrivalAsync(cluster.RelaySink, eventId);
        await WaitProcessedAsync(eventId);
        Assert.Equal(1, cluster.RelaySink.ArrivalsOf(eventId.ToString()));
        Assert.Equal(1, await CountEventsAsync(eventType));
    }

    [Fact]
    public async Task The_same_key_with_another_body_answers_422_and_the_same_json_spelt_differently_is_the_same_body()
    {
        var eventType = ManagementData.Unique("order.changed");
        var key = $"body-{Guid.NewGuid():N}";
        var first = await PublishAsync(publisher, $$$"""{"eventType":"{{{eventType}}}","payload":{"id":"ord_1","total":5}}""", key);
        Assert.Equal(HttpStatusCode.Accepted, first.Status);

        var respelt = await PublishAsync(publisher, $$$"""{ "payload": { "total": 5, "id": "ord_1" },  "eventType": "{{{eventType}}}" }""", key);
        Assert.Equal(HttpStatusCode.Accepted, respelt.Status);
        Assert.True(respelt.Replayed);
        Assert.Equal(first.Text, respelt.Text);

        var changed = await PublishAsync(publisher, $$$"""{"eventType":"{{{eventType}}}","payload":{"id":"ord_1","total":6}}""", key);
        Assert.Equal((HttpStatusCode)422, changed.Status);
        Assert.False(changed.Json["success"]!.GetValue<bool>());
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", changed.Json["error"]!["code"]!.GetValue<string>());
        Assert.Equal(1, await CountEventsAsync(eventType));
    }

    [Fact]
    public async Task An_idempotency_key_used_more_than_24_hours_ago_starts_afresh()
    {
        var eventType = ManagementData.Unique("order.expired-key");
        var key = $"old-{Guid.NewGuid():N}";
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            // A day-old use of the key, with another body and answer.
            await connection.ExecuteAsync(
                """
                INSERT INTO publish_idempotency_keys (api_key_id, idempotency_key, request_hash, event_id, response_status, response_body, created_at)
                VALUES (@apiKeyId, @key, '\x00', @eventId, 202, '{"old":true}', now() - interval '24 hours 1 minute')
                """, new { apiKeyId = writer.Id, key, eventId = Guid.NewGuid() });
        }

        var fresh = await PublishAsync(publisher, Body(eventType, new { id = "ord_new" }), key);
        var replayed = await PublishAsync(publisher, Body(eventType, new { id = "ord_new" }), key);

        Assert.Equal((HttpStatusCode.Accepted, false), (fresh.Status, fresh.Replayed));
        Assert.Equal((HttpStatusCode.Accepted, true), (replayed.Status, replayed.Replayed));
        Assert.Equal(fresh.Text, replayed.Text);
        Assert.Equal(1, await CountEventsAsync(eventType));
    }

    [Fact]
    public async Task Idempotency_keys_belong_to_the_api_key_that_used_them()
    {
        var eventType = ManagementData.Unique("order.per-key");
        var body = Body(eventType, new { id = "ord_k" });
        var key = $"shared-{Guid.NewGuid():N}";
        var other = await ApiKeyClient.CreateAsync(cluster, ["write"]);
        using var otherPublisher = ApiKeyClient.With(cluster, other.Key);

        var mine = await PublishAsync(publisher, body, key);
        var theirs = await PublishAsync(otherPublisher, body, key);
        var bootstrap = await PublishAsync(management, body, key);

        Assert.All(new[] { mine, theirs, bootstrap }, answer => Assert.Equal((HttpStatusCode.Accepted, false), (answer.Status, answer.Replayed)));
        Assert.Equal(3, new[] { mine, theirs, bootstrap }.Select(answer => answer.Json["data"]!["eventId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(3, await CountEventsAsync(eventType));
    }

    [Fact]
    public async Task Without_an_idempotency_key_the_event_id_deduplicates_as_for_webhooks()
    {
        var eventType = ManagementData.Unique("order.dedupe");
        var body = Body(eventType, new { id = "ord_d" }, eventId: $"evt_{Guid.NewGuid():N}");

        var first = await PublishAsync(publisher, body);
        var second = await PublishAsync(publisher, body);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(second.Json["data"]!["duplicate"]!.GetValue<bool>());
        Assert.Equal(first.Json["data"]!["eventId"]!.GetValue<string>(), second.Json["data"]!["eventId"]!.GetValue<string>());
        Assert.Equal(1, await CountEventsAsync(eventType));
    }

    [Fact]
    public async Task An_event_published_to_a_named_integration_reaches_its_destinations_and_can_be_replayed()
    {
        await using var receiver = await CountingSink.StartAsync();
        var acme = (await ManagementData.GetJsonAsync(management, "/api/v1/integrations?provider=acme"))["data"]![0]!["id"]!.GetValue<string>();
        var eventType = ManagementData.Unique("invoice.published");
        using (var destination = await management.PostAsJsonAsync($"/api/v1/integrations/{acme}/destinations", new { url = receiver.Url, eventTypes = new[] { eventType } }))
        {
            Assert.Equal(HttpStatusCode.Created, destination.StatusCode);
        }

        var byId = await PublishAsync(publisher, Body(eventType, new { id = "inv_1" }, integrationId: acme));
        var byProvider = await PublishAsync(publisher, Body(eventType, new { id = "inv_2" }, provider: "ACME"));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (byId.Status, byProvider.Status));
        var firstId = Guid.Parse(byId.Json["data"]!["eventId"]!.GetValue<string>());
        var secondId = Guid.Parse(byProvider.Json["data"]!["eventId"]!.GetValue<string>());

        var arrived = await ArrivalAsync(receiver, firstId);
        await ArrivalAsync(receiver, secondId);
        Assert.Equal("acme", JsonNode.Parse(arrived.Body)!["provider"]!.GetValue<string>());
        Assert.False(cluster.RelaySink.HasReceived(firstId.ToString()));
        await WaitProcessedAsync(firstId);

        using var replay = await management.PostAsJsonAsync($"/api/v1/events/{firstId}/replay", new { reason = "replaying a published event" });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var twice = await Webhooks.EventuallyAsync(() => Task.FromResult(receiver.ArrivalsOf(firstId.ToString())), count => count >= 2, Patience);
        Assert.Equal(2, twice);
    }

    [Fact]
    public async Task Publishing_is_audited_with_the_publishing_key()
    {
        var eventType = ManagementData.Unique("order.audited");
        var answer = await PublishAsync(publisher, Body(eventType, new { id = "ord_a" }));
        var eventId = answer.Json["data"]!["eventId"]!.GetValue<string>();

        var entries = (await ManagementData.GetJsonAsync(management, $"/api/v1/audit-entries?action=event.published&apiKeyId={writer.Id}"))["data"]!.AsArray();
        var published = Assert.Single(entries, entry => entry!["details"]!["externalEventId"]!.GetValue<string>() == eventId)!;
        Assert.Equal(writer.Id, published["actor"]!.GetValue<string>());
        Assert.Equal(writer.Id, published["apiKeyId"]!.GetValue<string>());
        Assert.Equal("relay", published["details"]!["provider"]!.GetValue<string>());
        var normalized = (await ManagementData.GetJsonAsync(management, $"/api/v1/audit-entries?entityId={eventId}&action=event.normalized"))["data"]!.AsArray();
        Assert.Equal(writer.Id, Assert.Single(normalized)!["apiKeyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publishing_needs_a_valid_key_with_the_write_scope()
    {
        var eventType = ManagementData.Unique("order.denied");
        var body = Body(eventType, new { id = "ord_x" });
        var reader = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        var replayer = await ApiKeyClient.CreateAsync(cluster, ["replay"]);
        using var anonymous = cluster.CreateClient();
        using var readerClient = ApiKeyClient.With(cluster, reader.Key);
        using var replayerClient = ApiKeyClient.With(cluster, replayer.Key, asBearer: true);
        using var wrong = ApiKeyClient.With(cluster, RelayCluster.ManagementApiKey + "x");

        await AssertErrorAsync(await PublishAsync(anonymous, body), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await AssertErrorAsync(await PublishAsync(wrong, body), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var forbidden = await PublishAsync(readerClient, body);
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("write", forbidden.Json["error"]!["details"]!["requiredScope"]!.GetValue<string>());
        await AssertErrorAsync(await PublishAsync(replayerClient, body), HttpStatusCode.Forbidden, "FORBIDDEN");
        // The read key still reads: GET /api/v1/events stays with Management.
        await ManagementData.GetJsonAsync(readerClient, $"/api/v1/events?eventType={eventType}");
        Assert.Equal(0, await CountEventsAsync(eventType));

        // A revoked key stops working at Ingress once its cached copy expires there (until then it may still publish).
        var revocable = await ApiKeyClient.CreateAsync(cluster, ["write"]);
        using var revocableClient = ApiKeyClient.With(cluster, revocable.Key);
        Assert.Equal(HttpStatusCode.Accepted, (await PublishAsync(revocableClient, Body(eventType, new { id = "before" }))).Status);
        using (var revoke = await management.DeleteAsync($"/api/v1/api-keys/{revocable.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        var refused = await Webhooks.EventuallyAsync(() => PublishAsync(revocableClient, Body(eventType, new { id = "after" })),
            answer => answer.Status == HttpStatusCode.Unauthorized, PublishCluster.KeyCacheDuration * 5);
        await AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var published = await CountEventsAsync(eventType);
        await AssertErrorAsync(await PublishAsync(revocableClient, Body(eventType, new { id = "later" })), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(published, await CountEventsAsync(eventType));
    }

    [Theory]
    [InlineData("""{"payload":{}}""", "eventType")]
    [InlineData("""{"eventType":"x.y"}""", "payload")]
    [InlineData("""{"eventType":"x.y","payload":[1]}""", "payload")]
    [InlineData("""{"eventType":"","payload":{}}""", "eventType")]
    [InlineData("""{"eventType":"x.y","payload":{},"eventId":7}""", "eventId")]
    [InlineData("""{"eventType":"x.y","payload":{},"occurredAt":"yesterday"}""", "occurredAt")]
    [InlineData("""{"eventType":"x.y","payload":{},"integrationId":"acme"}""", "integrationId")]
    [InlineData("""{"eventType":"x.y","payload":{},"provider":"a b"}""", "provider")]
    [InlineData("""{"eventType":"x.y","payload":{},"provider":"acme","integrationId":"6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"}""", "provider")]
    [InlineData("""{"eventType":"x.y","payload":{},"data":{}}""", "data")]
    [InlineData("""{"eventType":"x.y","eventType":"x.z","payload":{}}""", "eventType")]
    [InlineData("""{"eventType":"x.y","payload":{"text":"\u0000"}}""", "payload.text")]
    public async Task An_invalid_event_answers_400_naming_the_field(string body, string field)
    {
        var answer = await PublishAsync(publisher, body);
        await AssertErrorAsync(answer, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(answer.Json["error"]!["details"]?[field] is not null, answer.Text);
    }

    [Fact]
    public async Task Bad_requests_get_clear_answers_and_store_nothing()
    {
        var eventType = ManagementData.Unique("order.bad");
        var body = Body(eventType, new { id = "ord_b" });

        var notJson = await PublishAsync(publisher, "{not json");
        await AssertErrorAsync(notJson, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var longKey = await PublishAsync(publisher, body, new string('k', 256));
        await AssertErrorAsync(longKey, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotNull(longKey.Json["error"]!["details"]!["Idempotency-Key"]);
        await AssertErrorAsync(await PublishAsync(publisher, Body(eventType, new { }, provider: "nobody")), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertErrorAsync(await PublishAsync(publisher, Body(eventType, new { }, integrationId: Guid.NewGuid().ToString())), HttpStatusCode.NotFound, "NOT_FOUND");
        using (var plain = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(body) })
        {
            using var response = await publisher.SendAsync(plain);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
        Assert.Equal(0, await CountEventsAsync(eventType));
    }

    private static string Body(string eventType, object payload, string? eventId = null, string? integrationId = null, string? provider = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["eventType"] = eventType,
            ["payload"] = payload,
            ["eventId"] = eventId,
            ["integrationId"] = integrationId,
            ["provider"] = provider,
        }.Where(pair => pair.Value is not null).ToDictionary());

    private sealed record Answer(HttpStatusCode Status, bool Replayed, string Text, JsonNode Json);

    private static async Task<Answer> PublishAsync(HttpClient client, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Webhooks.Json(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";
        return new Answer(response.StatusCode, replayed, text, JsonNode.Parse(text)!);
    }

    private static Task AssertErrorAsync(Answer answer, HttpStatusCode status, string code)
    {
        Assert.True(answer.Status == status, $"expected {(int)status}, got {(int)answer.Status}: {answer.Text}");
        Assert.False(answer.Json["success"]!.GetValue<bool>());
        Assert.Equal(code, answer.Json["error"]!["code"]!.GetValue<string>());
        return Task.CompletedTask;
    }

    private async Task<long> CountEventsAsync(string eventType)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM normalized_events WHERE event_type = @eventType", new { eventType });
    }

    private async Task WaitProcessedAsync(Guid eventId)
    {
        var status = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}"))["data"]!["event"]!["status"]!.GetValue<string>(),
            status => status == "processed", Patience);
        Assert.True(status == "processed", $"event {eventId} is {status}\n{cluster.Logs()}");
    }

    private static async Task<ReceivedDelivery> ArrivalAsync(CountingSink receiver, Guid eventId)
    {
        await Webhooks.EventuallyAsync(() => Task.FromResult(receiver.HasReceived(eventId.ToString())), received => received, Patience);
        return receiver.Received.First(delivery => delivery.Headers["x-event-id"] == eventId.ToString());
    }
}
