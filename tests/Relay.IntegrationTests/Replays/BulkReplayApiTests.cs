using System.Net;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Management;

namespace Relay.IntegrationTests.Replays;

/// <summary>
/// The bulk replay routes' contract through the gateway: bad filters, bodies and ids answer 400 in the envelope and
/// store nothing, unknown jobs 404, a finished job's cancellation 409; the list pages by cursor; and the new routes
/// leave <c>GET /replays/{id}</c> as it was.
/// </summary>
[Collection(BulkReplayCollection.Name)]
public sealed class BulkReplayApiTests(BulkReplayCluster cluster) : IAsyncLifetime
{
    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"reason":"replay them all"}""", "filter" },
        { """{"filter":null,"reason":"replay them all"}""", "filter" },
        { """{"filter":"provider=acme","reason":"replay them all"}""", "filter" },
        { """{"filter":{"status":"done"},"reason":"replay them all"}""", "filter.status" },
        { """{"filter":{"provider":"ACME!"},"reason":"replay them all"}""", "filter.provider" },
        { """{"filter":{"integrationId":"not-a-uuid"},"reason":"replay them all"}""", "filter.integrationId" },
        { """{"filter":{"from":"yesterday"},"reason":"replay them all"}""", "filter.from" },
        { """{"filter":{"from":"2026-12-01","to":"2026-11-01"},"reason":"replay them all"}""", "filter.from" },
        { """{"filter":{"receivedFrom":"2026-12-01T00:00:00Z","receivedTo":"2026-11-01T00:00:00Z"},"reason":"replay them all"}""", "filter.receivedFrom" },
        { """{"filter":{"eventType":42},"reason":"replay them all"}""", "filter.eventType" },
        { """{"filter":{"eventType":"a","eventType":"b"},"reason":"replay them all"}""", "filter.eventType" },
        { """{"filter":{"sortBy":"status"},"reason":"replay them all"}""", "filter.sortBy" },
        { """{"filter":{"bogus":1},"reason":"replay them all"}""", "filter.bogus" },
        { """{"filter":{"subject":"nul \u0000"},"reason":"replay them all"}""", "filter.subject" },
        { """{"filter":{}}""", "reason" },
        { """{"filter":{},"reason":"four"}""", "reason" },
        { """{"filter":{},"reason":"replay them all","requestedBy":"x"}""", "requestedBy" },
        { """{"filter":{},"reason":"replay them all","eventsPerSecond":0}""", "eventsPerSecond" },
        { """{"filter":{},"reason":"replay them all","eventsPerSecond":5001}""", "eventsPerSecond" },
        { """{"filter":{},"reason":"replay them all","eventsPerSecond":"10"}""", "eventsPerSecond" },
        { """{"filter":{},"reason":"replay them all","eventsPerSecond":1.5}""", "eventsPerSecond" },
        { """{"filter":{},"dryRun":"yes"}""", "dryRun" },
        { """{"filter":{},"reason":"replay them all","limit":10}""", "limit" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Bad_filters_and_bodies_answer_400_naming_the_field_and_store_nothing(string body, string field)
    {
        var before = await JobCountAsync();
        using var response = await client.PostAsync("/api/v1/replays/bulk", Webhooks.Json(body));
        await ManagementData.AssertValidationErrorAsync(response, field);
        Assert.Equal(before, await JobCountAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"filter\"")]
    public async Task A_body_that_is_not_a_json_object_answers_400(string body)
    {
        using var response = await client.PostAsync("/api/v1/replays/bulk", Webhooks.Json(body));
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "Request body must be a JSON object");
    }

    [Fact]
    public async Task A_dry_run_needs_no_reason_counts_with_the_event_list_filters_and_stores_nothing()
    {
        var eventType = ManagementData.Unique("bulk.dry");
        using var ingress = cluster.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await ManagementData.IngestAcmeAsync(ingress, eventType, subject: i == 0 ? "Order_42%" : "other");
        }
        var before = await JobCountAsync();

        var all = await DryRunAsync(new { eventType });
        Assert.Equal(3, all["matching"]!.GetValue<long>());
        Assert.Equal(100, all["eventsPerSecond"]!.GetValue<int>());
        Assert.Equal(JsonNode.Parse($$"""{"eventType":"{{eventType}}"}""")!.ToJsonString(), all["filter"]!.ToJsonString());
        // subject as on the list: case-insensitive substring, its wildcards taken literally.
        Assert.Equal(1, (await DryRunAsync(new { eventType, subject = "order_42%" }))["matching"]!.GetValue<long>());
        Assert.Equal(0, (await DryRunAsync(new { eventType, provider = "globex" }))["matching"]!.GetValue<long>());
        Assert.Equal(0, (await DryRunAsync(new { eventType, receivedTo = "2000-01-01" }))["matching"]!.GetValue<long>());
        Assert.Equal(3, (await DryRunAsync(new { eventType, receivedFrom = "2000-01-01", from = "2026-11-20", to = "2026-11-20T10:15:00Z" }))["matching"]!.GetValue<long>());
        var listed = await ManagementData.GetJsonAsync(client, $"/api/v1/events?eventType={eventType}&subject=ORDER");
        Assert.Equal(1, listed["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(before, await JobCountAsync());
    }

    [Fact]
    public async Task Unknown_jobs_answer_404_malformed_ids_400_and_the_single_replay_routes_are_unchanged()
    {
        var unknown = Guid.NewGuid();
        using (var response = await client.GetAsync($"/api/v1/replays/bulk/{unknown}"))
        {
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", "Bulk replay not found");
        }
        using (var response = await client.PostAsync($"/api/v1/replays/bulk/{unknown}/cancel", Webhooks.Json("{}")))
        {
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", "Bulk replay not found");
        }
        using (var response = await client.GetAsync("/api/v1/replays/bulk/not-a-uuid"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "id");
        }
        using (var response = await client.PostAsync("/api/v1/replays/bulk/42/cancel", Webhooks.Json("{}")))
        {
            await ManagementData.AssertValidationErrorAsync(response, "id");
        }
        using (var response = await client.PostAsync($"/api/v1/replays/bulk/{unknown}/cancel", Webhooks.Json("""{"requestedBy":"x"}""")))
        {
            await ManagementData.AssertValidationErrorAsync(response, "requestedBy");
        }
        using (var response = await client.GetAsync($"/api/v1/replays/bulk/{unknown}?verbose=true"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "verbose");
        }

        // The literal segment takes /replays/bulk; any other id under /replays is still a replay request's.
        using (var response = await client.GetAsync("/api/v1/replays/not-a-uuid"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "id");
        }
        using (var response = await client.GetAsync($"/api/v1/replays/{unknown}"))
        {
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", "Replay request not found");
        }
        Assert.True((await ManagementData.GetJsonAsync(client, "/api/v1/replays"))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Bulk_replays_are_listed_newest_first_by_cursor_and_a_finished_one_cannot_be_cancelled()
    {
        var eventType = ManagementData.Unique("bulk.none");
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/api/v1/replays/bulk", Webhooks.Json($$"""{"filter":{"eventType":"{{eventType}}"},"reason":"nothing matches {{i}}"}"""));
            var body = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
            Assert.Equal(0, body["data"]!["total"]!.GetValue<int>());
            created.Add(body["data"]!["id"]!.GetValue<string>());
        }

        // Nothing matched, so each completes at once.
        foreach (var id in created)
        {
            var job = await Webhooks.EventuallyAsync(async () => (await ManagementData.GetJsonAsync(client, $"/api/v1/replays/bulk/{id}"))["data"]!,
                data => data["status"]!.GetValue<string>() == "completed", TimeSpan.FromSeconds(30));
            Assert.Equal(("completed", 100.0), (job["status"]!.GetValue<string>(), job["percent"]!.GetValue<double>()));
        }
        using (var response = await client.PostAsync($"/api/v1/replays/bulk/{created[0]}/cancel", Webhooks.Json("")))
        {
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.Conflict, "CONFLICT");
        }

        var first = await ManagementData.GetJsonAsync(client, "/api/v1/replays/bulk?limit=2&status=completed");
        var firstIds = ManagementData.Ids(first);
        Assert.Equal(2, firstIds.Count);
        Assert.Equal(2, first["meta"]!["limit"]!.GetValue<int>());
        var cursor = first["meta"]!["nextCursor"]!.GetValue<string>();
        var second = await ManagementData.GetJsonAsync(client, $"/api/v1/replays/bulk?limit=2&status=completed&cursor={cursor}");
        var secondIds = ManagementData.Ids(second);
        Assert.Empty(firstIds.Intersect(secondIds));
        // Newest first: the three just made lead the list, in reverse order of creation.
        Assert.Equal(created.AsEnumerable().Reverse(), firstIds.Concat(secondIds).Take(3));

        using (var response = await client.GetAsync("/api/v1/replays/bulk?status=done"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "status");
        }
        using (var response = await client.GetAsync("/api/v1/replays/bulk?cursor=abc"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "cursor");
        }
        using (var response = await client.GetAsync("/api/v1/replays/bulk?page=2"))
        {
            await ManagementData.AssertValidationErrorAsync(response, "page");
        }
    }

    private async Task<JsonNode> DryRunAsync(object filter)
    {
        using var response = await client.PostAsync("/api/v1/replays/bulk", Webhooks.Json(System.Text.Json.JsonSerializer.Serialize(new { dryRun = true, filter })));
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.True(body["data"]!["dryRun"]!.GetValue<bool>());
        return body["data"]!;
    }

    private async Task<long> JobCountAsync()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM bulk_replays");
    }
}
