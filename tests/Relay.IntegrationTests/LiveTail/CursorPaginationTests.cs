using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Relay.IntegrationTests.Management;

namespace Relay.IntegrationTests.LiveTail;

/// <summary>
/// Every management list pages by cursor beside page/pageSize: walking all pages while rows are inserted (anywhere in
/// the order, not only at its head) yields every row that existed before exactly once, in the list's order.
/// </summary>
[Collection(LiveTailCollection.Name)]
public sealed class CursorPaginationTests(LiveTailCluster cluster)
{
    private const int Existing = 30;
    private const int PageLimit = 7;
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    [Theory]
    [InlineData("", "receivedAt", true)]
    [InlineData("&sortBy=createdAt&sortOrder=asc", "createdAt", false)]
    [InlineData("&sortBy=occurredAt", "occurredAt", true)]
    [InlineData("&sortBy=status&sortOrder=asc", "status", false)]
    public async Task Events_walked_by_cursor_in_each_sort_while_events_are_inserted_list_each_existing_one_once(string sort, string sortField, bool descending)
    {
        await using var database = cluster.OpenDatabase();
        var eventType = ManagementData.Unique("cursor.events");
        var random = new Random(6);
        string[] statuses = ["pending", "processing", "processed", "retrying", "failed"];
        ManagementData.SeededEvent Seeded() => new(eventType, statuses[random.Next(statuses.Length)], T0.AddMinutes(random.Next(0, 1000)),
            T0.AddMinutes(random.Next(0, 1000)), T0.AddMinutes(random.Next(0, 1000)));
        var existing = await SeedAsync(database, Existing, connection => ManagementData.SeedEventAsync(connection, Seeded()));

        var walked = await WalkWhileInsertingAsync($"/api/v1/events?eventType={eventType}{sort}", database,
            connection => ManagementData.SeedEventAsync(connection, Seeded()));

        AssertEachOnce(existing, walked.Select(item => Guid.Parse(item["id"]!.GetValue<string>())));
        AssertOrdered(walked, item => item[sortField]!.GetValue<string>(), descending);
    }

    [Fact]
    public async Task Deliveries_audit_entries_and_replays_walked_by_cursor_while_rows_are_inserted_list_each_existing_one_once()
    {
        await using var database = cluster.OpenDatabase();
        var random = new Random(7);
        Guid eventId;
        await using (var connection = await database.OpenConnectionAsync())
        {
            eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("cursor.owner"), "failed", T0, T0, T0));
        }

        var attemptNo = 0;
        var attempts = await SeedAsync(database, Existing, connection =>
            ManagementData.SeedDeliveryAttemptAsync(connection, eventId, Interlocked.Increment(ref attemptNo), "failed", T0.AddSeconds(random.Next(0, 600))));
        var walkedAttempts = await WalkWhileInsertingAsync($"/api/v1/deliveries?eventId={eventId}", database, connection =>
            ManagementData.SeedDeliveryAttemptAsync(connection, eventId, Interlocked.Increment(ref attemptNo), "success", T0.AddSeconds(random.Next(0, 600))));
        AssertEachOnce(attempts, walkedAttempts.Select(item => Guid.Parse(item["id"]!.GetValue<string>())));
        AssertOrdered(walkedAttempts, item => item["createdAt"]!.GetValue<string>(), descending: true);

        var entityId = Guid.NewGuid();
        var entries = await SeedAsync(database, Existing, connection =>
            ManagementData.SeedAuditEntryAsync(connection, "cursor_test", entityId, "cursor.seeded", T0.AddSeconds(random.Next(0, 600))));
        var walkedEntries = await WalkWhileInsertingAsync($"/api/v1/audit-entries?entityId={entityId}", database, connection =>
            ManagementData.SeedAuditEntryAsync(connection, "cursor_test", entityId, "cursor.inserted", T0.AddSeconds(random.Next(0, 600))));
        AssertEachOnce(entries, walkedEntries.Select(item => item["id"]!.GetValue<long>()));
        AssertOrdered(walkedEntries, item => item["createdAt"]!.GetValue<string>(), descending: true);

        var replays = await SeedAsync(database, Existing, connection =>
            ManagementData.SeedReplayRequestAsync(connection, eventId, "completed", T0.AddSeconds(random.Next(0, 600))));
        var walkedReplays = await WalkWhileInsertingAsync($"/api/v1/replays?eventId={eventId}", database, connection =>
            ManagementData.SeedReplayRequestAsync(connection, eventId, "failed", T0.AddSeconds(random.Next(0, 600))));
        AssertEachOnce(replays, walkedReplays.Select(item => Guid.Parse(item["id"]!.GetValue<string>())));
        AssertOrdered(walkedReplays, item => item["createdAt"]!.GetValue<string>(), descending: true);
    }

    [Fact]
    public async Task Integrations_walked_by_cursor_while_integrations_are_added_list_each_existing_one_once_by_provider()
    {
        await using var database = cluster.OpenDatabase();
        var existing = await SeedAsync(database, 8, InsertIntegrationAsync);
        var all = await ManagementData.GetJsonAsync(client, "/api/v1/integrations");
        var before = all["data"]!.AsArray().Select(item => Guid.Parse(item!["id"]!.GetValue<string>())).ToList();
        Assert.Superset(existing.ToHashSet(), before.ToHashSet());

        var walked = await WalkWhileInsertingAsync("/api/v1/integrations?", database, InsertIntegrationAsync, limit: 2);

        AssertEachOnce(before, walked.Select(item => Guid.Parse(item["id"]!.GetValue<string>())));
        AssertOrdered(walked, item => item["provider"]!.GetValue<string>(), descending: false);
    }

    [Fact]
    public async Task Without_limit_or_cursor_a_list_pages_as_before_and_with_them_it_answers_the_cursor_meta()
    {
        var paged = await ManagementData.GetJsonAsync(client, "/api/v1/events?pageSize=2");
        Assert.Equal(["page", "pageSize", "total", "totalPages"], paged["meta"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        var integrations = await ManagementData.GetJsonAsync(client, "/api/v1/integrations");
        Assert.Equal(["total"], integrations["meta"]!.AsObject().Select(field => field.Key));

        foreach (var list in new[] { "events", "deliveries", "audit-entries", "replays", "integrations" })
        {
            var page = await ManagementData.GetJsonAsync(client, $"/api/v1/{list}?limit=1");
            Assert.True(page["success"]!.GetValue<bool>());
            Assert.Equal(["limit", "nextCursor"], page["meta"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
            Assert.Equal(1, page["meta"]!["limit"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_cursor_from_another_list_or_sort_or_mixed_with_pages_is_refused()
    {
        await using var database = cluster.OpenDatabase();
        var eventType = ManagementData.Unique("cursor.refused");
        await SeedAsync(database, 3, connection => ManagementData.SeedEventAsync(connection, new(eventType, "processed", T0, T0, T0)));
        var cursor = (await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&limit=1"))["meta"]!["nextCursor"]!.GetValue<string>();

        await ExpectRefusedAsync($"/api/v1/events?eventType={eventType}&cursor={cursor}&sortBy=createdAt", "cursor");
        await ExpectRefusedAsync($"/api/v1/events?eventType={eventType}&cursor={cursor}&sortOrder=asc", "cursor");
        await ExpectRefusedAsync($"/api/v1/deliveries?cursor={cursor}", "cursor");
        await ExpectRefusedAsync($"/api/v1/integrations?cursor={cursor}", "cursor");
        await ExpectRefusedAsync($"/api/v1/events?eventType={eventType}&cursor={cursor}&page=2", "cursor");
        await ExpectRefusedAsync($"/api/v1/events?cursor={(cursor[0] == 'A' ? 'B' : 'A')}{cursor[1..]}", "cursor");
        var next = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&cursor={cursor}&sortBy=receivedAt&sortOrder=desc");
        Assert.Equal(2, next["data"]!.AsArray().Count);
    }

    private async Task ExpectRefusedAsync(string path, string parameter)
    {
        using var response = await client.GetAsync(path);
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    /// <summary>
    /// Every page by <c>limit</c>/<c>cursor</c> from the first to the one without <c>nextCursor</c>, with a row inserted
    /// before each page is read (besides a writer inserting all along).
    /// </summary>
    private async Task<List<JsonNode>> WalkWhileInsertingAsync<T>(string path, NpgsqlDataSource database, Func<NpgsqlConnection, Task<T>> insert, int limit = PageLimit)
    {
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var connection = await database.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await insert(connection);
                await Task.Delay(20);
            }
        });
        var items = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        try
        {
            await using var connection = await database.OpenConnectionAsync();
            do
            {
                await insert(connection);
                var separator = path.EndsWith('?') ? "" : "&";
                var page = await ManagementData.GetJsonAsync(client, $"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
                var data = page["data"]!.AsArray();
                Assert.True(data.Count <= limit);
                items.AddRange(data.Select(item => item!));
                cursor = page["meta"]!["nextCursor"]?.GetValue<string>();
                pages++;
            }
            while (cursor is not null && pages < 200);
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.True(pages > 2, $"only {pages} pages");
        return items;
    }

    private static async Task<List<T>> SeedAsync<T>(NpgsqlDataSource database, int count, Func<NpgsqlConnection, Task<T>> insert)
    {
        await using var connection = await database.OpenConnectionAsync();
        var rows = new List<T>();
        for (var i = 0; i < count; i++)
        {
            rows.Add(await insert(connection));
        }
        return rows;
    }

    private static void AssertEachOnce<T>(IReadOnlyCollection<T> existing, IEnumerable<T> walked) where T : notnull
    {
        var counts = walked.GroupBy(id => id).ToDictionary(group => group.Key, group => group.Count());
        Assert.All(existing, id => Assert.True(counts.GetValueOrDefault(id) == 1, $"{id} listed {counts.GetValueOrDefault(id)} times"));
        Assert.All(counts, pair => Assert.Equal(1, pair.Value));
    }

    /// <summary>The walk follows the list's order (the sort key; ties are broken by id, not checked here).</summary>
    private static void AssertOrdered(List<JsonNode> items, Func<JsonNode, string> key, bool descending)
    {
        var keys = items.Select(key).ToList();
        var sorted = descending ? keys.OrderDescending(StringComparer.Ordinal).ToList() : keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, keys);
    }

    /// <summary>An integration straight into the table, its provider anywhere in the alphabet (no webhook reaches it).</summary>
    private static async Task<Guid> InsertIntegrationAsync(NpgsqlConnection connection)
    {
        var id = Guid.NewGuid();
        var provider = $"{(char)('a' + Random.Shared.Next(26))}cursor{id:N}"[..30];
        await connection.ExecuteAsync(
            """
            INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active)
            VALUES (@id, @provider, 'cursor test', 'v1:not-a-secret', 'http://127.0.0.1:9/cursor', true)
            """, new { id, provider });
        return id;
    }
}
