using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

[Collection(SharedClusterCollection.Name)]
public sealed class EventsApiTests(RelayCluster cluster)
{
    private static readonly string[] EventFields =
    [
        "createdAt", "eventType", "id", "integrationId", "lastError", "lastProcessedAt", "normalizedPayload", "occurredAt",
        "processingAttempts", "provider", "receivedAt", "status", "subject", "updatedAt", "webhookEventId",
    ];

    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);
    private readonly HttpClient anonymous = cluster.CreateClient();

    [Fact]
    public async Task Event_list_items_carry_every_column_in_camel_case_with_the_payload_as_an_object()
    {
        var eventType = ManagementData.Unique("mgmt.shape");
        var eventId = await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: "shape-subject");

        var page = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}");

        Assert.True(page["success"]!.GetValue<bool>());
        Assert.Equal(1, page["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(20, page["meta"]!["pageSize"]!.GetValue<int>());
        Assert.Equal(1, page["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(1, page["meta"]!["totalPages"]!.GetValue<int>());
        var item = Assert.Single(page["data"]!.AsArray())!;
        Assert.Equal(EventFields, item.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventId.ToString(), item["id"]!.GetValue<string>());
        Assert.Equal("acme", item["provider"]!.GetValue<string>());
        Assert.Equal(eventType, item["eventType"]!.GetValue<string>());
        Assert.Equal("shape-subject", item["subject"]!.GetValue<string>());
        Assert.Equal("2026-11-20T10:15:00Z", item["occurredAt"]!.GetValue<string>());
        Assert.Contains(item["status"]!.GetValue<string>(), new[] { "pending", "processing", "processed", "retrying", "failed" });
        var payload = Assert.IsType<JsonObject>(item["normalizedPayload"]);
        Assert.Equal("acme", payload["provider"]!.GetValue<string>());
        Assert.Equal(eventType, payload["eventType"]!.GetValue<string>());
        Assert.Equal("inv_123", payload["data"]!["id"]!.GetValue<string>());
        foreach (var timestamp in new[] { "createdAt", "updatedAt", "receivedAt" })
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", item[timestamp]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Filters_by_event_type_exactly()
    {
        var eventType = ManagementData.Unique("mgmt.type");
        var first = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        var second = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        await ManagementData.IngestAcmeAsync(anonymous, eventType + ".longer");
        await ManagementData.IngestAcmeAsync(anonymous, eventType.ToUpperInvariant());

        var page = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}");

        Assert.Equal([second.ToString(), first.ToString()], ManagementData.Ids(page));
        Assert.Equal(2, page["meta"]!["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Filters_by_subject_as_a_case_insensitive_substring_taking_wildcards_literally()
    {
        var eventType = ManagementData.Unique("mgmt.subject");
        var token = Guid.NewGuid().ToString("N");
        var alpha = await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: $"Cust-{token}-Alpha");
        var beta = await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: $"cust-{token}-beta");
        var sale = await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: $"{token} 50%_off");
        await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: "unrelated");

        async Task<List<string>> Matching(string subject) =>
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&subject={Uri.EscapeDataString(subject)}"));

        Assert.Equal([beta.ToString(), alpha.ToString()], await Matching($"CUST-{token}"));
        Assert.Equal([alpha.ToString()], await Matching($"{token}-ALPHA"));
        Assert.Equal([sale.ToString()], await Matching("%_o"));
        Assert.Equal([sale.ToString()], await Matching("%"));
        Assert.Empty(await Matching("_x_"));
        Assert.Empty(await Matching(@"\"));
        // Without the event-type filter the subject alone still finds exactly these events.
        var bySubjectOnly = ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?subject=cust-{token}"));
        Assert.Equal([beta.ToString(), alpha.ToString()], bySubjectOnly);
    }

    [Fact]
    public async Task Filters_by_provider()
    {
        var eventType = ManagementData.Unique("mgmt.provider");
        var acme = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        var globex = await ManagementData.IngestGlobexAsync(anonymous, eventType);

        Assert.Equal([globex.ToString(), acme.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}")));
        Assert.Equal([acme.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&provider=acme")));
        Assert.Equal([globex.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&provider=GLOBEX")));
        Assert.Empty(ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&provider=initech")));
    }

    [Fact]
    public async Task Filters_by_the_providers_event_id_exactly_in_every_integration_or_in_one()
    {
        var eventType = ManagementData.Unique("mgmt.external");
        var shared = $"evt_{Guid.NewGuid():N}";
        var acme = await ManagementData.IngestAsync(anonymous, Webhooks.Acme(ManagementData.AcmeBody(eventType, eventId: shared)));
        var globex = await ManagementData.IngestAsync(anonymous, Webhooks.Globex(Webhooks.GlobexBody(id: shared, type: eventType)));
        await ManagementData.IngestAcmeAsync(anonymous, eventType);

        async Task<JsonNode> Matching(string query) =>
            await ManagementData.GetJsonAsync(client, $"/api/v1/events?externalEventId={Uri.EscapeDataString(shared)}&{query}");

        var both = await Matching("");
        Assert.Equal([globex.ToString(), acme.ToString()], ManagementData.Ids(both));
        Assert.Equal(2, both["meta"]!["total"]!.GetValue<long>());
        Assert.Equal([acme.ToString()], ManagementData.Ids(await Matching("provider=acme")));
        Assert.Equal([globex.ToString()], ManagementData.Ids(await Matching("provider=GLOBEX")));
        Assert.Empty(ManagementData.Ids(await Matching("provider=initech")));
        Assert.Equal([acme.ToString()], ManagementData.Ids(await Matching("sortOrder=asc&pageSize=1")));
        Assert.Equal([globex.ToString()], ManagementData.Ids(await Matching("sortOrder=asc&pageSize=1&page=2")));

        // By cursor: one event a page, the second page after the first, and no third.
        var first = await Matching("limit=1");
        Assert.Equal([globex.ToString()], ManagementData.Ids(first));
        var cursor = first["meta"]!["nextCursor"]!.GetValue<string>();
        var second = await Matching($"limit=1&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal([acme.ToString()], ManagementData.Ids(second));
        Assert.Null(second["meta"]!["nextCursor"]);

        // Exact: not a prefix, another case, or an id no provider sent.
        foreach (var other in new[] { shared[..^1], shared.ToUpperInvariant(), $"evt_{Guid.NewGuid():N}" })
        {
            var none = await ManagementData.GetJsonAsync(client, $"/api/v1/events?externalEventId={Uri.EscapeDataString(other)}");
            Assert.Empty(ManagementData.Ids(none));
            Assert.Equal(0, none["meta"]!["total"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task Finds_a_providers_event_id_that_starts_like_a_content_hash_key()
    {
        // Ingest keys such an id as "acme:payload:payload:..." (migration 008), not "acme:payload:...".
        var eventType = ManagementData.Unique("mgmt.external.prefixed");
        var externalId = $"payload:{Guid.NewGuid():N}";
        var eventId = await ManagementData.IngestAsync(anonymous, Webhooks.Acme(ManagementData.AcmeBody(eventType, eventId: externalId)));

        foreach (var query in new[] { "", "&provider=acme", $"&eventType={eventType}" })
        {
            var page = await ManagementData.GetJsonAsync(client, $"/api/v1/events?externalEventId={Uri.EscapeDataString(externalId)}{query}");
            Assert.Equal([eventId.ToString()], ManagementData.Ids(page));
        }
    }

    [Fact]
    public async Task Filters_by_the_providers_event_id_and_status_together()
    {
        var eventType = ManagementData.Unique("mgmt.external.status");
        var shared = $"seed_{Guid.NewGuid():N}";
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var failed = await ManagementData.SeedEventAsync(connection, new(eventType, "failed", T0, T0, T0, ExternalEventId: shared));
        var processed = await ManagementData.SeedEventAsync(connection, new(eventType, "processed", T0, T0.AddDays(1), T0, Provider: "globex", ExternalEventId: shared));
        await ManagementData.SeedEventAsync(connection, new(eventType, "failed", T0, T0, T0));

        async Task<List<string>> Matching(string query) =>
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?externalEventId={shared}&{query}"));

        Assert.Equal([processed.ToString(), failed.ToString()], await Matching($"eventType={eventType}"));
        Assert.Equal([failed.ToString()], await Matching("status=failed"));
        Assert.Equal([processed.ToString()], await Matching("status=processed&limit=10"));
        Assert.Empty(await Matching("status=failed&provider=globex"));
        Assert.Empty(await Matching("status=retrying"));
    }

    [Fact]
    public async Task Filters_by_an_inclusive_occurred_at_range()
    {
        var eventType = ManagementData.Unique("mgmt.range");
        var early = await ManagementData.IngestAcmeAsync(anonymous, eventType, occurredAt: "2026-01-10T00:00:00Z");
        var middle = await ManagementData.IngestAcmeAsync(anonymous, eventType, occurredAt: "2026-01-20T01:00:00+01:00");
        var late = await ManagementData.IngestAcmeAsync(anonymous, eventType, occurredAt: "2026-01-30T00:00:00Z");

        async Task<List<string>> Range(string query) =>
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&sortBy=occurredAt&sortOrder=asc&{query}"));

        Assert.Equal([middle.ToString(), late.ToString()], await Range("from=2026-01-15"));
        Assert.Equal([early.ToString(), middle.ToString()], await Range("to=2026-01-20T00:00:00Z"));
        Assert.Equal([middle.ToString()], await Range("from=2026-01-20T00:00:00Z&to=2026-01-20T00:00:00Z"));
        Assert.Equal([middle.ToString()], await Range($"from={Uri.EscapeDataString("2026-01-20T01:00:00+01:00")}&to=2026-01-25"));
        Assert.Equal([early.ToString(), middle.ToString(), late.ToString()], await Range("from=2026-01-01&to=2026-12-31"));
        Assert.Empty(await Range("from=2027-01-01"));
    }

    [Fact]
    public async Task Filters_by_each_status()
    {
        var eventType = ManagementData.Unique("mgmt.status");
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var ids = new Dictionary<string, Guid>();
        foreach (var status in new[] { "pending", "processing", "processed", "retrying", "failed" })
        {
            ids[status] = await ManagementData.SeedEventAsync(connection, new(eventType, status, T0, T0, T0));
        }

        foreach (var (status, id) in ids)
        {
            var page = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&status={status}");
            Assert.Equal([id.ToString()], ManagementData.Ids(page));
            Assert.Equal(status, page["data"]![0]!["status"]!.GetValue<string>());
        }
        Assert.Equal(5, (await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}"))["meta"]!["total"]!.GetValue<long>());
    }

    public static TheoryData<string?, string?, string[]> Sorts() => new()
    {
        // Seeded: E1 failed / occurred 3rd / received 1st / created 4th; E2 pending / 1st / 3rd / 2nd;
        //         E3 processed / 4th / 2nd / 1st; E4 retrying / 2nd / 4th / 3rd.
        { "occurredAt", "asc", ["E2", "E4", "E1", "E3"] },
        { "occurredAt", "desc", ["E3", "E1", "E4", "E2"] },
        { "receivedAt", "asc", ["E1", "E3", "E2", "E4"] },
        { "receivedAt", "desc", ["E4", "E2", "E3", "E1"] },
        { "createdAt", "asc", ["E3", "E2", "E4", "E1"] },
        { "createdAt", "desc", ["E1", "E4", "E2", "E3"] },
        { "status", "asc", ["E1", "E2", "E3", "E4"] },
        { "status", "desc", ["E4", "E3", "E2", "E1"] },
        { null, null, ["E4", "E2", "E3", "E1"] },
        { "occurredAt", null, ["E3", "E1", "E4", "E2"] },
        { null, "asc", ["E1", "E3", "E2", "E4"] },
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task Each_sort_field_and_order_orders_the_events(string? sortBy, string? sortOrder, string[] expected)
    {
        var eventType = ManagementData.Unique("mgmt.sort");
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var day = TimeSpan.FromDays(1);
        var seeded = new Dictionary<string, Guid>
        {
            ["E1"] = await ManagementData.SeedEventAsync(connection, new(eventType, "failed", T0 + 3 * day, T0 + 1 * day, T0 + 4 * day)),
            ["E2"] = await ManagementData.SeedEventAsync(connection, new(eventType, "pending", T0 + 1 * day, T0 + 3 * day, T0 + 2 * day)),
            ["E3"] = await ManagementData.SeedEventAsync(connection, new(eventType, "processed", T0 + 4 * day, T0 + 2 * day, T0 + 1 * day)),
            ["E4"] = await ManagementData.SeedEventAsync(connection, new(eventType, "retrying", T0 + 2 * day, T0 + 4 * day, T0 + 3 * day)),
        };

        var query = $"/api/v1/events?eventType={eventType}" + (sortBy is null ? "" : $"&sortBy={sortBy}") + (sortOrder is null ? "" : $"&sortOrder={sortOrder}");
        var ids = ManagementData.Ids(await ManagementData.GetJsonAsync(client, query));

        Assert.Equal(expected.Select(name => seeded[name].ToString()), ids);
    }

    [Theory]
    [InlineData("asc")]
    [InlineData("desc")]
    public async Task Ties_are_ordered_by_id_so_pages_are_stable(string sortOrder)
    {
        var eventType = ManagementData.Unique("mgmt.tie");
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await ManagementData.SeedEventAsync(connection, new(eventType, "processed", T0, T0, T0)));
        }
        var ordered = ids.Select(id => id.ToString()).Order(StringComparer.Ordinal).ToList();
        if (sortOrder == "desc")
        {
            ordered.Reverse();
        }

        foreach (var sortBy in new[] { "receivedAt", "createdAt", "occurredAt", "status" })
        {
            var pages = new List<string>();
            for (var page = 1; page <= 3; page++)
            {
                pages.AddRange(ManagementData.Ids(await ManagementData.GetJsonAsync(client,
                    $"/api/v1/events?eventType={eventType}&sortBy={sortBy}&sortOrder={sortOrder}&pageSize=2&page={page}")));
            }
            // PostgreSQL orders uuids bytewise, which for the canonical text form is ordinal order.
            Assert.Equal(ordered, pages);
        }
    }

    [Fact]
    public async Task Pagination_reports_page_size_total_and_at_least_one_page()
    {
        var eventType = ManagementData.Unique("mgmt.page");
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await ManagementData.SeedEventAsync(connection, new(eventType, "processed", T0, T0.AddMinutes(i), T0))).ToString());
        }
        ids.Reverse(); // newest received first

        var seen = new List<string>();
        for (var page = 1; page <= 4; page++)
        {
            var json = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&pageSize=2&page={page}");
            var meta = json["meta"]!;
            Assert.Equal(page, meta["page"]!.GetValue<int>());
            Assert.Equal(2, meta["pageSize"]!.GetValue<int>());
            Assert.Equal(5, meta["total"]!.GetValue<long>());
            Assert.Equal(3, meta["totalPages"]!.GetValue<int>());
            var pageIds = ManagementData.Ids(json);
            Assert.Equal(page switch { 1 or 2 => 2, 3 => 1, _ => 0 }, pageIds.Count);
            seen.AddRange(pageIds);
        }
        Assert.Equal(ids, seen);

        var far = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&page=10000000&pageSize=100");
        Assert.Empty(far["data"]!.AsArray());
        Assert.Equal(10000000, far["meta"]!["page"]!.GetValue<int>());

        var empty = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={ManagementData.Unique("mgmt.none")}");
        Assert.Empty(empty["data"]!.AsArray());
        Assert.Equal(0, empty["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(1, empty["meta"]!["totalPages"]!.GetValue<int>());

        var all = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&pageSize=100");
        Assert.Equal(5, all["data"]!.AsArray().Count);
        Assert.Equal(1, all["meta"]!["totalPages"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("page=abc", "page")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("page=99999999999999999999999999", "page")]
    [InlineData("page=1&page=2", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=abc", "pageSize")]
    [InlineData("pageSize=-5", "pageSize")]
    [InlineData("status=done", "status")]
    [InlineData("status=PENDING", "status")]
    [InlineData("provider=x", "provider")]
    [InlineData("provider=%27%3B%20DROP%20TABLE%20normalized_events%3B--", "provider")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-02-30", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("to=1700000000", "to")]
    [InlineData("from=2026-11-21&to=2026-11-20", "from")]
    [InlineData("sortBy=id", "sortBy")]
    [InlineData("sortBy=received_at", "sortBy")]
    [InlineData("sortBy=receivedAt%3B%20DROP%20TABLE%20x", "sortBy")]
    [InlineData("sortOrder=up", "sortOrder")]
    [InlineData("sortOrder=asc%2C%20id", "sortOrder")]
    [InlineData("subject=a%00b", "subject")]
    [InlineData("eventType=%00", "eventType")]
    [InlineData("externalEventId=evt%001", "externalEventId")]
    [InlineData("externalEventId=a&externalEventId=b", "externalEventId")]
    public async Task Malformed_query_values_answer_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/events?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Overlong_text_filters_answer_400()
    {
        var longText = new string('s', 201);
        using var subject = await client.GetAsync($"/api/v1/events?subject={longText}");
        await ManagementData.AssertValidationErrorAsync(subject, "subject");
        using var eventType = await client.GetAsync($"/api/v1/events?eventType={longText}");
        await ManagementData.AssertValidationErrorAsync(eventType, "eventType");
        // A provider's event id may be as long as ingest accepts (255), no longer.
        using var longestId = await client.GetAsync($"/api/v1/events?externalEventId={new string('e', 255)}");
        Assert.Equal(HttpStatusCode.OK, longestId.StatusCode);
        using var externalEventId = await client.GetAsync($"/api/v1/events?externalEventId={new string('e', 256)}");
        await ManagementData.AssertValidationErrorAsync(externalEventId, "externalEventId");
    }

    [Fact]
    public async Task Event_detail_has_the_webhook_snapshot_with_redacted_headers_attempts_ascending_and_jobs()
    {
        var eventType = ManagementData.Unique("mgmt.detail");
        var externalId = $"evt_{Guid.NewGuid():N}";
        var body = ManagementData.AcmeBody(eventType, subject: "detail-subject", eventId: externalId, data: new { id = "inv_9", nested = new { amount = 12.5, tags = new[] { "a", "b" } } });
        var eventId = await ManagementData.IngestAsync(anonymous, Webhooks.Acme(body));
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            // Numbers far above what the delivery worker will use, written newest-numbered first.
            await ManagementData.SeedDeliveryAttemptAsync(connection, eventId, 1001, "success", DateTime.UtcNow);
            await ManagementData.SeedDeliveryAttemptAsync(connection, eventId, 1000, "failed", DateTime.UtcNow.AddSeconds(-1));
        }

        var json = await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}");
        Assert.True(json["success"]!.GetValue<bool>());
        var data = json["data"]!;
        Assert.Equal(["deliveries", "deliveryAttempts", "event", "processingJobs", "replayRequests", "traceId", "webhook"], data.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));

        var ev = data["event"]!;
        Assert.Equal(EventFields, ev.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventId.ToString(), ev["id"]!.GetValue<string>());
        Assert.Equal(eventType, ev["eventType"]!.GetValue<string>());
        Assert.Equal("detail-subject", ev["subject"]!.GetValue<string>());
        Assert.Equal(12.5, ev["normalizedPayload"]!["data"]!["nested"]!["amount"]!.GetValue<double>());

        var webhook = data["webhook"]!;
        Assert.Equal(["externalEventId", "idempotencyKey", "rawPayload", "receivedAt", "requestHeaders", "signatureValid", "sourceIp"],
            webhook.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(externalId, webhook["externalEventId"]!.GetValue<string>());
        Assert.Equal($"acme:{externalId}", webhook["idempotencyKey"]!.GetValue<string>());
        Assert.True(webhook["signatureValid"]!.GetValue<bool>());
        Assert.Equal("127.0.0.1", webhook["sourceIp"]!.GetValue<string>());
        Assert.Equal(ev["receivedAt"]!.GetValue<string>(), webhook["receivedAt"]!.GetValue<string>());
        var headers = Assert.IsType<JsonObject>(webhook["requestHeaders"]);
        Assert.Equal("[REDACTED]", headers["x-acme-signature"]!.GetValue<string>());
        Assert.StartsWith("application/json", headers["content-type"]!.GetValue<string>());
        Assert.DoesNotContain(Webhooks.Sign(body), json.ToJsonString());
        var rawPayload = Assert.IsType<JsonObject>(webhook["rawPayload"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), rawPayload), rawPayload.ToJsonString());

        var attempts = data["deliveryAttempts"]!.AsArray();
        var attemptNumbers = attempts.Select(attempt => attempt!["attemptNo"]!.GetValue<int>()).ToList();
        Assert.Equal(attemptNumbers.Order(), attemptNumbers);
        Assert.Contains(1000, attemptNumbers);
        Assert.Contains(1001, attemptNumbers);
        var seededFailure = attempts.Single(attempt => attempt!["attemptNo"]!.GetValue<int>() == 1000)!;
        Assert.Equal(["attemptNo", "createdAt", "deliveryId", "destinationId", "durationMs", "errorMessage", "httpStatus", "id", "integrationId", "normalizedEventId", "responseBody", "status"],
            seededFailure.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal("failed", seededFailure["status"]!.GetValue<string>());
        Assert.Equal(500, seededFailure["httpStatus"]!.GetValue<int>());
        Assert.Equal(eventId.ToString(), seededFailure["normalizedEventId"]!.GetValue<string>());

        var jobs = data["processingJobs"]!.AsArray();
        var webhookJob = jobs.Single(job => job!["triggeredBy"]!.GetValue<string>() == "webhook")!;
        Assert.Equal(["attemptNo", "completedAt", "createdAt", "errorMessage", "id", "normalizedEventId", "queueName", "scheduledAt", "startedAt", "status", "triggeredBy"],
            webhookJob.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1, webhookJob["attemptNo"]!.GetValue<int>());
        var created = jobs.Select(job => DateTimeOffset.Parse(job!["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(created.OrderDescending(), created);
    }

    [Fact]
    public async Task Payloads_nested_as_deep_as_ingest_allows_are_returned_whole()
    {
        // Ingest accepts 64 levels; the envelope adds four more around the raw payload.
        JsonNode data = new JsonObject { ["leaf"] = "bottom" };
        for (var level = 0; level < 62; level++)
        {
            data = new JsonObject { ["a"] = data };
        }
        var eventType = ManagementData.Unique("mgmt.deep");
        var body = new JsonObject { ["eventId"] = $"evt_{Guid.NewGuid():N}", ["eventType"] = eventType, ["occurredAt"] = "2026-11-20T10:15:00Z", ["data"] = data }.ToJsonString();
        var eventId = await ManagementData.IngestAsync(anonymous, Webhooks.Acme(body));

        var detail = await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), detail["data"]!["webhook"]!["rawPayload"]));
        var list = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}");
        Assert.Contains("bottom", list.ToJsonString());
    }

    [Fact]
    public async Task Globex_tokens_never_come_back_from_the_event_detail()
    {
        var eventId = await ManagementData.IngestGlobexAsync(anonymous, ManagementData.Unique("mgmt.token"));

        var json = await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}");

        Assert.Equal("[REDACTED]", json["data"]!["webhook"]!["requestHeaders"]!["x-globex-token"]!.GetValue<string>());
        Assert.DoesNotContain(RelayCluster.GlobexSecret, json.ToJsonString());
    }

    [Fact]
    public async Task Detail_lists_the_newest_20_jobs_and_status_the_newest_10()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.jobs"), "failed", T0, T0, T0, ProcessingAttempts: 3));
        await connection.ExecuteAsync(
            "UPDATE normalized_events SET last_error = 'HTTP 500 from callback', last_processed_at = @at WHERE id = @eventId",
            new { eventId, at = T0.AddHours(1) });
        for (var i = 1; i <= 25; i++)
        {
            await ManagementData.SeedJobAsync(connection, eventId, i, T0.AddMinutes(i));
        }

        var detailJobs = (await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}"))["data"]!["processingJobs"]!.AsArray();
        Assert.Equal(Enumerable.Range(6, 20).Reverse(), detailJobs.Select(job => job!["attemptNo"]!.GetValue<int>()));

        var status = (await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}/status"))["data"]!;
        Assert.Equal(["eventId", "jobs", "lastError", "lastProcessedAt", "processingAttempts", "status"], status.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventId.ToString(), status["eventId"]!.GetValue<string>());
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Equal(3, status["processingAttempts"]!.GetValue<int>());
        Assert.Equal("HTTP 500 from callback", status["lastError"]!.GetValue<string>());
        Assert.Equal("2026-01-01T01:00:00Z", status["lastProcessedAt"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(16, 10).Reverse(), status["jobs"]!.AsArray().Select(job => job!["attemptNo"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Processing_status_is_an_alias_of_the_event_status()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.alias"), "processed", T0, T0, T0, ProcessingAttempts: 1));
        await ManagementData.SeedJobAsync(connection, eventId, 1, T0, triggeredBy: "webhook");

        var status = await client.GetStringAsync($"/api/v1/events/{eventId}/status");
        var alias = await client.GetStringAsync($"/api/v1/processing-status/{eventId}");

        Assert.Equal(status, alias);
        var json = JsonNode.Parse(alias)!["data"]!;
        Assert.Equal("processed", json["status"]!.GetValue<string>());
        Assert.Null(json["lastError"]);
        Assert.Single(json["jobs"]!.AsArray());
    }

    [Theory]
    [InlineData("/api/v1/events/{0}")]
    [InlineData("/api/v1/events/{0}/status")]
    [InlineData("/api/v1/processing-status/{0}")]
    public async Task Unknown_events_answer_404_and_malformed_ids_400(string template)
    {
        using var unknown = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Guid.NewGuid()));
        await ManagementData.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND", "Event not found");

        foreach (var badId in new[] { "not-a-uuid", "123", "6c8f1d2e3b4a4c5d8e9f0a1b2c3d4e5f", "6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5g" })
        {
            using var malformed = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, badId));
            await ManagementData.AssertValidationErrorAsync(malformed, "id");
        }
    }
}
