using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

[Collection(SharedClusterCollection.Name)]
public sealed class DeliveriesAndAuditApiTests(RelayCluster cluster)
{
    private static readonly DateTime T0 = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    [Fact]
    public async Task Deliveries_filter_by_event_and_status_newest_first_with_pagination()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventA = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.deliveries"), "processed", T0, T0, T0, ProcessingAttempts: 3));
        var eventB = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.deliveries"), "processed", T0, T0, T0, ProcessingAttempts: 1));
        var a1 = await ManagementData.SeedDeliveryAttemptAsync(connection, eventA, 1, "failed", T0);
        var a2 = await ManagementData.SeedDeliveryAttemptAsync(connection, eventA, 2, "failed", T0.AddSeconds(10));
        var a3 = await ManagementData.SeedDeliveryAttemptAsync(connection, eventA, 3, "success", T0.AddSeconds(20));
        await ManagementData.SeedDeliveryAttemptAsync(connection, eventB, 1, "success", T0.AddSeconds(30));

        var forA = await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={eventA}");
        Assert.Equal([a3.ToString(), a2.ToString(), a1.ToString()], ManagementData.Ids(forA));
        Assert.Equal(3, forA["meta"]!["total"]!.GetValue<long>());
        var newest = forA["data"]![0]!;
        Assert.Equal(["attemptNo", "createdAt", "deliveryId", "destinationId", "durationMs", "errorMessage", "httpStatus", "id", "integrationId", "normalizedEventId", "responseBody", "status"],
            newest.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventA.ToString(), newest["normalizedEventId"]!.GetValue<string>());
        Assert.Equal(3, newest["attemptNo"]!.GetValue<int>());
        Assert.Equal("success", newest["status"]!.GetValue<string>());
        Assert.Equal(202, newest["httpStatus"]!.GetValue<int>());
        Assert.Equal(12, newest["durationMs"]!.GetValue<int>());
        Assert.Null(newest["errorMessage"]);
        Assert.Equal("2025-06-01T12:00:20Z", newest["createdAt"]!.GetValue<string>());

        var failedForA = await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={eventA}&status=failed");
        Assert.Equal([a2.ToString(), a1.ToString()], ManagementData.Ids(failedForA));
        Assert.Equal("HTTP 500", failedForA["data"]![0]!["errorMessage"]!.GetValue<string>());

        var secondPage = await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={eventA}&pageSize=2&page=2");
        Assert.Equal([a1.ToString()], ManagementData.Ids(secondPage));
        Assert.Equal(2, secondPage["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(2, secondPage["meta"]!["pageSize"]!.GetValue<int>());
        Assert.Equal(3, secondPage["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(2, secondPage["meta"]!["totalPages"]!.GetValue<int>());

        var beyond = await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={eventA}&pageSize=2&page=5");
        Assert.Empty(beyond["data"]!.AsArray());
        Assert.Equal(3, beyond["meta"]!["total"]!.GetValue<long>());

        var none = await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={Guid.NewGuid()}");
        Assert.Empty(none["data"]!.AsArray());
        Assert.Equal(1, none["meta"]!["totalPages"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("success")]
    [InlineData("failed")]
    [InlineData(null)]
    public async Task Deliveries_across_events_are_newest_first(string? status)
    {
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            var eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.deliveries"), "processed", T0, T0, T0));
            await ManagementData.SeedDeliveryAttemptAsync(connection, eventId, 1, "failed", DateTime.UtcNow.AddSeconds(-1));
            await ManagementData.SeedDeliveryAttemptAsync(connection, eventId, 2, "success", DateTime.UtcNow);
        }

        var page = await ManagementData.GetJsonAsync(client, "/api/v1/deliveries?pageSize=100" + (status is null ? "" : $"&status={status}"));
        var items = page["data"]!.AsArray();
        Assert.NotEmpty(items);
        if (status is not null)
        {
            Assert.All(items, item => Assert.Equal(status, item!["status"]!.GetValue<string>()));
        }
        var created = items.Select(item => DateTimeOffset.Parse(item!["createdAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.True(page["meta"]!["total"]!.GetValue<long>() >= items.Count);
    }

    [Theory]
    [InlineData("status=pending", "status")]
    [InlineData("status=SUCCESS", "status")]
    [InlineData("status=succeeded", "status")]
    [InlineData("eventId=nope", "eventId")]
    [InlineData("eventId=42", "eventId")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=abc", "pageSize")]
    public async Task Deliveries_reject_malformed_values(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/deliveries?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Audit_entries_filter_by_entity_type_id_and_action_newest_first()
    {
        var entityType = $"mgmt_test_{Guid.NewGuid():N}";
        var x = Guid.NewGuid();
        var y = Guid.NewGuid();
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var x1 = await ManagementData.SeedAuditEntryAsync(connection, entityType, x, "thing.created", T0);
        var x2 = await ManagementData.SeedAuditEntryAsync(connection, entityType, x, "thing.changed", T0.AddMinutes(1));
        var x3 = await ManagementData.SeedAuditEntryAsync(connection, entityType, x, "thing.created", T0.AddMinutes(2));
        var y1 = await ManagementData.SeedAuditEntryAsync(connection, entityType, y, "thing.created", T0.AddMinutes(3));

        async Task<List<long>> Ids(string query) =>
            (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?{query}"))["data"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()).ToList();

        Assert.Equal([y1, x3, x2, x1], await Ids($"entityType={entityType}"));
        Assert.Equal([x3, x2, x1], await Ids($"entityId={x}"));
        Assert.Equal([x3, x2, x1], await Ids($"entityType={entityType}&entityId={x}"));
        Assert.Equal([y1, x3, x1], await Ids($"entityType={entityType}&action=thing.created"));
        Assert.Equal([x3, x1], await Ids($"entityId={x}&action=thing.created"));
        Assert.Empty(await Ids($"entityId={x}&action=thing.CREATED"));
        Assert.Empty(await Ids($"entityId={x}&action=thing"));
        Assert.Empty(await Ids($"entityType={entityType}X"));

        var page2 = await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityType={entityType}&pageSize=3&page=2");
        Assert.Equal([x1], page2["data"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()));
        Assert.Equal(4, page2["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(2, page2["meta"]!["totalPages"]!.GetValue<int>());

        var entry = (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityId={y}"))["data"]![0]!;
        Assert.Equal(["action", "actor", "createdAt", "details", "entityId", "entityType", "id"], entry.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(entityType, entry["entityType"]!.GetValue<string>());
        Assert.Equal(y.ToString(), entry["entityId"]!.GetValue<string>());
        Assert.Equal("mgmt-test", entry["actor"]!.GetValue<string>());
        var details = Assert.IsType<JsonObject>(entry["details"]);
        Assert.Equal(1, details["nested"]!["n"]!.GetValue<int>());
        Assert.Equal("2025-06-01T12:03:00Z", entry["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Audit_entries_filter_by_actor_and_time_range()
    {
        var entityType = $"mgmt_actor_{Guid.NewGuid():N}";
        var actor = ManagementData.Unique("ops");
        var entityId = Guid.NewGuid();
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var e1 = await ManagementData.SeedAuditEntryAsync(connection, entityType, entityId, "thing.created", T0, actor);
        var e2 = await ManagementData.SeedAuditEntryAsync(connection, entityType, entityId, "thing.changed", T0.AddMinutes(1), actor);
        var e3 = await ManagementData.SeedAuditEntryAsync(connection, entityType, entityId, "thing.changed", T0.AddMinutes(2), "system");
        var e4 = await ManagementData.SeedAuditEntryAsync(connection, entityType, entityId, "thing.closed", T0.AddMinutes(3), actor);

        async Task<List<long>> Ids(string query) =>
            (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?{query}"))["data"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()).ToList();

        Assert.Equal([e4, e2, e1], await Ids($"actor={actor}"));
        Assert.Equal([e3], await Ids($"entityId={entityId}&actor=system"));
        Assert.Empty(await Ids($"actor={actor.ToUpperInvariant()}"));
        // Both ends inclusive, on the time the entry was written.
        Assert.Equal([e3, e2], await Ids($"entityId={entityId}&from={ManagementData.Utc(T0.AddMinutes(1))}&to={ManagementData.Utc(T0.AddMinutes(2))}"));
        Assert.Equal([e4, e3], await Ids($"entityId={entityId}&from=2025-06-01T14:02:00%2B02:00"));
        Assert.Equal([e1], await Ids($"entityType={entityType}&to={ManagementData.Utc(T0)}"));
        Assert.Equal([e4, e2], await Ids($"actor={actor}&from={ManagementData.Utc(T0.AddSeconds(30))}"));

        var page = await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?actor={actor}&pageSize=2&page=2");
        Assert.Equal([e1], page["data"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()));
        Assert.Equal(3, page["meta"]!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2025-13-01", "to")]
    [InlineData("from=2025-06-02&to=2025-06-01", "from")]
    [InlineData("actor=a%00", "actor")]
    public async Task Audit_entries_reject_malformed_actor_and_time_range(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/audit-entries?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Deliveries_filter_by_provider_and_time_range()
    {
        // A moment no other test writes attempts at, so provider and time alone pick out this test's attempts.
        var t = new DateTime(2019, 7, 3, 4, 5, 0, DateTimeKind.Utc);
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var acmeEvent = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.deliveries.provider"), "processed", T0, T0, T0, ProcessingAttempts: 2));
        var globexEvent = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.deliveries.provider"), "processed", T0, T0, T0, Provider: "globex", ProcessingAttempts: 2));
        var acme1 = await ManagementData.SeedDeliveryAttemptAsync(connection, acmeEvent, 1, "failed", t);
        var acme2 = await ManagementData.SeedDeliveryAttemptAsync(connection, acmeEvent, 2, "success", t.AddSeconds(20));
        var globex1 = await ManagementData.SeedDeliveryAttemptAsync(connection, globexEvent, 1, "failed", t.AddSeconds(10));
        var globex2 = await ManagementData.SeedDeliveryAttemptAsync(connection, globexEvent, 2, "success", t.AddSeconds(30));
        var window = $"from={ManagementData.Utc(t)}&to={ManagementData.Utc(t.AddSeconds(30))}";

        Assert.Equal([globex2.ToString(), acme2.ToString(), globex1.ToString(), acme1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?{window}")));
        Assert.Equal([globex2.ToString(), globex1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?provider=globex&{window}")));
        Assert.Equal([acme2.ToString(), acme1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?provider=ACME&{window}")));
        Assert.Equal([globex1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?provider=globex&status=failed&{window}")));
        Assert.Equal([acme2.ToString(), globex1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?from={ManagementData.Utc(t.AddSeconds(10))}&to={ManagementData.Utc(t.AddSeconds(20))}")));
        Assert.Equal([acme1.ToString()],
            ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?eventId={acmeEvent}&to={ManagementData.Utc(t.AddSeconds(19))}")));
        Assert.Empty((await ManagementData.GetJsonAsync(client, $"/api/v1/deliveries?provider=nobody&{window}"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("provider=a", "provider")]
    [InlineData("provider=bad%20provider", "provider")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2025-06-02&to=2025-06-01", "from")]
    public async Task Deliveries_reject_malformed_provider_and_time_range(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/deliveries?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Audit_entries_at_the_same_instant_are_ordered_by_id()
    {
        var entityId = Guid.NewGuid();
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await ManagementData.SeedAuditEntryAsync(connection, "mgmt_tie", entityId, "tie", T0));
        }
        var listed = new List<long>();
        for (var page = 1; page <= 2; page++)
        {
            listed.AddRange((await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityId={entityId}&pageSize=2&page={page}"))["data"]!
                .AsArray().Select(item => item!["id"]!.GetValue<long>()));
        }
        Assert.Equal(ids.OrderDescending(), listed);
    }

    [Fact]
    public async Task Ingested_events_leave_their_audit_trail()
    {
        using var anonymous = cluster.CreateClient();
        var eventId = await ManagementData.IngestAcmeAsync(anonymous, ManagementData.Unique("mgmt.audit"));

        var actions = await Webhooks.EventuallyAsync(
            async () => (await ManagementData.GetJsonAsync(client, $"/api/v1/audit-entries?entityType=normalized_event&entityId={eventId}"))["data"]!
                .AsArray().Select(item => item!["action"]!.GetValue<string>()).ToList(),
            found => found.Contains("event.queued"),
            TimeSpan.FromSeconds(15));

        Assert.Contains("event.normalized", actions);
        Assert.Contains("event.queued", actions);
    }

    [Theory]
    [InlineData("entityId=abc", "entityId")]
    [InlineData("entityId=1", "entityId")]
    [InlineData("page=abc", "page")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("pageSize=-1", "pageSize")]
    [InlineData("action=a%00", "action")]
    [InlineData("entityType=%00", "entityType")]
    public async Task Audit_entries_reject_malformed_values(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/audit-entries?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Overlong_audit_filters_answer_400()
    {
        var longText = new string('a', 101);
        using var entityType = await client.GetAsync($"/api/v1/audit-entries?entityType={longText}");
        await ManagementData.AssertValidationErrorAsync(entityType, "entityType");
        using var action = await client.GetAsync($"/api/v1/audit-entries?action={longText}");
        await ManagementData.AssertValidationErrorAsync(action, "action");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/audit-entries?action={longText[..100]}")).StatusCode);
    }
}
