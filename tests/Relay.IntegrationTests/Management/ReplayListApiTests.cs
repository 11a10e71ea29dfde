using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>Finding replay requests: <c>GET /replays</c> and the replay requests in an event's detail.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ReplayListApiTests(RelayCluster cluster)
{
    private static readonly DateTime T0 = new(2026, 4, 1, 9, 0, 0, DateTimeKind.Utc);

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    [Fact]
    public async Task Replays_filter_by_event_status_requester_and_request_time_newest_first_with_pagination()
    {
        var requester = ManagementData.Unique("ops");
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventA = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.replays"), "processed", T0, T0, T0, ProcessingAttempts: 3));
        var eventB = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.replays"), "failed", T0, T0, T0, ProcessingAttempts: 3));
        var a1 = await ManagementData.SeedReplayRequestAsync(connection, eventA, "completed", T0.AddMinutes(1), requester);
        var a2 = await ManagementData.SeedReplayRequestAsync(connection, eventA, "failed", T0.AddMinutes(2), requester, failureReason: "Callback answered HTTP 500");
        var a3 = await ManagementData.SeedReplayRequestAsync(connection, eventA, "completed", T0.AddMinutes(3), "someone-else");
        var b1 = await ManagementData.SeedReplayRequestAsync(connection, eventB, "failed", T0.AddMinutes(4), requester, failureReason: "Integration is inactive");

        var forA = await ManagementData.GetJsonAsync(client, $"/api/v1/replays?eventId={eventA}");
        Assert.True(forA["success"]!.GetValue<bool>());
        Assert.Equal([a3.ToString(), a2.ToString(), a1.ToString()], ManagementData.Ids(forA));
        Assert.Equal(["page", "pageSize", "total", "totalPages"], forA["meta"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, forA["meta"]!["total"]!.GetValue<long>());

        var failed = Assert.Single((await ManagementData.GetJsonAsync(client, $"/api/v1/replays?eventId={eventA}&status=failed"))["data"]!.AsArray())!;
        Assert.Equal(["createdAt", "eventId", "failureReason", "id", "processedAt", "reason", "requestedBy", "status"],
            failed.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(a2.ToString(), failed["id"]!.GetValue<string>());
        Assert.Equal(eventA.ToString(), failed["eventId"]!.GetValue<string>());
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("Callback answered HTTP 500", failed["failureReason"]!.GetValue<string>());
        Assert.Equal(requester, failed["requestedBy"]!.GetValue<string>());
        Assert.Equal("2026-04-01T09:02:00Z", failed["createdAt"]!.GetValue<string>());
        Assert.Equal("2026-04-01T09:02:05Z", failed["processedAt"]!.GetValue<string>());

        var completedForA = (await ManagementData.GetJsonAsync(client, $"/api/v1/replays?eventId={eventA}&status=completed"))["data"]!.AsArray();
        Assert.All(completedForA, item => Assert.Null(item!["failureReason"]));

        Assert.Equal([b1.ToString(), a2.ToString(), a1.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/replays?requestedBy={requester}")));
        Assert.Equal([b1.ToString(), a2.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client, $"/api/v1/replays?requestedBy={requester}&status=failed")));

        // Both ends inclusive, on the time the replay was requested.
        Assert.Equal([a3.ToString(), a2.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client,
            $"/api/v1/replays?eventId={eventA}&from={ManagementData.Utc(T0.AddMinutes(2))}&to={ManagementData.Utc(T0.AddMinutes(3))}")));
        Assert.Equal([b1.ToString(), a2.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client,
            $"/api/v1/replays?requestedBy={requester}&from={ManagementData.Utc(T0.AddMinutes(2))}")));
        Assert.Equal([a1.ToString()], ManagementData.Ids(await ManagementData.GetJsonAsync(client,
            $"/api/v1/replays?requestedBy={requester}&to=2026-04-01T11:01:30%2B02:00")));

        var secondPage = await ManagementData.GetJsonAsync(client, $"/api/v1/replays?eventId={eventA}&pageSize=2&page=2");
        Assert.Equal([a1.ToString()], ManagementData.Ids(secondPage));
        Assert.Equal(2, secondPage["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(2, secondPage["meta"]!["pageSize"]!.GetValue<int>());
        Assert.Equal(3, secondPage["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(2, secondPage["meta"]!["totalPages"]!.GetValue<int>());

        var none = await ManagementData.GetJsonAsync(client, $"/api/v1/replays?eventId={Guid.NewGuid()}");
        Assert.Empty(none["data"]!.AsArray());
        Assert.Equal(1, none["meta"]!["totalPages"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replays_without_filters_are_newest_first()
    {
        var page = await ManagementData.GetJsonAsync(client, "/api/v1/replays?pageSize=100");
        var created = page["data"]!.AsArray().Select(item => DateTimeOffset.Parse(item!["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.Equal(20, (await ManagementData.GetJsonAsync(client, "/api/v1/replays"))["meta"]!["pageSize"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("status=pending", "status")]
    [InlineData("status=FAILED", "status")]
    [InlineData("eventId=nope", "eventId")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-04-02&to=2026-04-01", "from")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("requestedBy=a%00", "requestedBy")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("limit=0", "limit")]
    public async Task Replays_reject_malformed_values_and_unknown_parameters(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/replays?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task Event_detail_lists_its_replay_requests_newest_first()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.detail.replays"), "failed", T0, T0, T0, ProcessingAttempts: 6));
        var other = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.detail.replays"), "failed", T0, T0, T0, ProcessingAttempts: 3));
        var first = await ManagementData.SeedReplayRequestAsync(connection, eventId, "failed", T0.AddMinutes(1), failureReason: "Callback answered HTTP 503");
        var second = await ManagementData.SeedReplayRequestAsync(connection, eventId, "completed", T0.AddMinutes(2));
        await ManagementData.SeedReplayRequestAsync(connection, other, "completed", T0.AddMinutes(3));

        var data = (await ManagementData.GetJsonAsync(client, $"/api/v1/events/{eventId}"))["data"]!;
        var replays = data["replayRequests"]!.AsArray();
        Assert.Equal([second.ToString(), first.ToString()], replays.Select(item => item!["id"]!.GetValue<string>()));
        Assert.Equal("Callback answered HTTP 503", replays[1]!["failureReason"]!.GetValue<string>());
        Assert.Equal("failed", replays[1]!["status"]!.GetValue<string>());
        Assert.All(replays, item => Assert.Equal(eventId.ToString(), item!["eventId"]!.GetValue<string>()));
        // The rest of the detail is unchanged.
        Assert.Equal(eventId.ToString(), data["event"]!["id"]!.GetValue<string>());
        Assert.NotNull(data["webhook"]);

        var neverReplayed = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("mgmt.detail.replays"), "processed", T0, T0, T0));
        var empty = (await ManagementData.GetJsonAsync(client, $"/api/v1/events/{neverReplayed}"))["data"]!["replayRequests"];
        Assert.IsType<JsonArray>(empty);
        Assert.Empty(empty.AsArray());
    }
}
