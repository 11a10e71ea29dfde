using System.Net;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// Every management GET refuses a query parameter it does not support, naming it, instead of ignoring it and
/// answering as if unfiltered results were filtered.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class UnknownParametersApiTests(RelayCluster cluster)
{
    private const string SomeId = "6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f";

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    public static TheoryData<string, string> UnknownParameters() => new()
    {
        { "/api/v1/events?after=abc", "after" },
        { "/api/v1/events?status=failed&after=abc", "after" },
        { "/api/v1/events?offset=5", "offset" },
        { "/api/v1/events?actor=ops-user", "actor" },
        { "/api/v1/deliveries?after=abc", "after" },
        { "/api/v1/deliveries?actor=ops-user", "actor" },
        { "/api/v1/audit-entries?after=abc", "after" },
        { "/api/v1/audit-entries?provider=acme", "provider" },
        { "/api/v1/audit-entries?entity_id=abc", "entity_id" },
        { "/api/v1/integrations?after=abc", "after" },
        { "/api/v1/integrations?page=2", "page" },
        { "/api/v1/replays?after=abc", "after" },
        { $"/api/v1/events/{SomeId}?expand=all", "expand" },
        { $"/api/v1/events/{SomeId}/status?cursor=", "cursor" },
        { $"/api/v1/processing-status/{SomeId}?verbose=true", "verbose" },
        { $"/api/v1/replays/{SomeId}?eventId={SomeId}", "eventId" },
    };

    [Theory]
    [MemberData(nameof(UnknownParameters))]
    public async Task Unknown_parameters_answer_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await client.GetAsync(path);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {path} answered {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Invalid query parameters", json["error"]!["message"]!.GetValue<string>());
        Assert.StartsWith("is not a supported parameter", json["error"]!["details"]![parameter]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/events?PAGESIZE=5&Status=failed")]
    [InlineData("/api/v1/deliveries?page=1&pageSize=5&status=failed")]
    [InlineData("/api/v1/audit-entries?entityType=normalized_event&action=event.queued")]
    [InlineData("/api/v1/integrations?provider=acme&activeOnly=true")]
    [InlineData("/api/v1/replays?page=1&pageSize=5")]
    public async Task Supported_parameters_in_any_case_still_answer_200(string path)
    {
        await ManagementData.GetJsonAsync(client, path);
    }

    [Fact]
    public async Task Item_routes_without_a_query_answer_as_before()
    {
        using var unknown = await client.GetAsync($"/api/v1/replays/{SomeId}");
        await ManagementData.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND", "Replay request not found");
        using var unknownEvent = await client.GetAsync($"/api/v1/events/{SomeId}");
        await ManagementData.AssertErrorAsync(unknownEvent, HttpStatusCode.NotFound, "NOT_FOUND", "Event not found");
    }
}
