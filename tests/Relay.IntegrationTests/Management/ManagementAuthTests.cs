using System.Net;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

[Collection(SharedClusterCollection.Name)]
public sealed class ManagementAuthTests(RelayCluster cluster)
{
    private const string SomeId = "6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f";

    public static TheoryData<string, string> ProtectedRoutes() => new()
    {
        { "GET", "/api/v1/integrations" },
        { "GET", "/api/v1/integrations?activeOnly=true" },
        { "GET", "/api/v1/events" },
        { "GET", "/api/v1/events?page=abc" },
        { "GET", $"/api/v1/events/{SomeId}" },
        { "GET", $"/api/v1/events/{SomeId}/status" },
        { "GET", $"/api/v1/processing-status/{SomeId}" },
        { "POST", $"/api/v1/events/{SomeId}/replay" },
        { "GET", "/api/v1/deliveries" },
        { "GET", "/api/v1/audit-entries" },
        { "GET", "/api/v1/replays" },
        { "GET", $"/api/v1/replays/{SomeId}" },
        { "POST", "/api/v1/integrations" },
        { "PATCH", $"/api/v1/integrations/{SomeId}" },
        { "DELETE", $"/api/v1/integrations/{SomeId}" },
        { "POST", $"/api/v1/integrations/{SomeId}/secret" },
        // Paths no route serves: still 401 without the key, so they reveal nothing.
        { "GET", "/api/v1/integrations/acme/unknown" },
        { "GET", $"/api/v1/events/{SomeId}/unknown" },
        { "DELETE", $"/api/v1/events/{SomeId}" },
        { "GET", "/api/v1/deliveries/export" },
        { "GET", "/api/v1/audit-entries/1/2/3" },
        { "GET", "/api/v1/processing-status" },
        { "GET", $"/api/v1/replays/{SomeId}/unknown" },
        { "PUT", "/api/v1/replays/anything" },
        { "GET", "/api/v1/EVENTS" },
        { "GET", "/api/v1/Integrations/" },
    };

    public static TheoryData<string, string> UnknownSubPaths() => new()
    {
        { "GET", "/api/v1/integrations/acme/unknown" },
        { "GET", $"/api/v1/events/{SomeId}/unknown" },
        { "GET", "/api/v1/deliveries/export" },
        { "GET", "/api/v1/audit-entries/1/2/3" },
        { "GET", "/api/v1/processing-status" },
        { "GET", $"/api/v1/replays/{SomeId}/unknown" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Without_the_key_every_management_path_answers_401(string method, string path)
    {
        using var client = cluster.CreateClient();
        using var response = await client.SendAsync(Request(method, path));
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task With_a_wrong_key_every_management_path_answers_401(string method, string path)
    {
        using var client = cluster.CreateClient();
        foreach (var wrongKey in new[] { RelayCluster.ManagementApiKey.ToUpperInvariant(), RelayCluster.ManagementApiKey + "x", RelayCluster.ManagementApiKey[..^1], "" })
        {
            using var request = Request(method, path);
            request.Headers.TryAddWithoutValidation("x-internal-api-key", wrongKey);
            using var response = await client.SendAsync(request);
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        }
    }

    [Fact]
    public async Task The_key_sent_twice_is_refused()
    {
        using var client = cluster.CreateClient();
        using var request = Request("GET", "/api/v1/integrations");
        request.Headers.TryAddWithoutValidation("x-internal-api-key", [RelayCluster.ManagementApiKey, RelayCluster.ManagementApiKey]);
        using var response = await client.SendAsync(request);
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [MemberData(nameof(UnknownSubPaths))]
    public async Task With_the_key_unknown_sub_paths_answer_404_in_the_envelope(string method, string path)
    {
        using var client = cluster.CreateClient(withManagementKey: true);
        using var response = await client.SendAsync(Request(method, path));
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task With_the_key_the_routes_answer_and_paths_are_case_insensitive()
    {
        using var client = cluster.CreateClient(withManagementKey: true);
        foreach (var path in new[] { "/api/v1/integrations", "/api/v1/EVENTS?pageSize=1", "/api/v1/deliveries?pageSize=1", "/api/v1/audit-entries?pageSize=1", "/api/v1/Replays?pageSize=1" })
        {
            var json = await ManagementData.GetJsonAsync(client, path);
            Assert.True(json["success"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Health_stays_public()
    {
        using var client = new HttpClient { BaseAddress = cluster.Service("Management.Api").BaseAddress };
        var health = await ManagementData.GetJsonAsync(client, "/health");
        var checks = health["data"]!["checks"]!.AsObject();
        // Readiness depends on PostgreSQL alone: replay requests wait in the outbox while the broker is away.
        Assert.Equal("ok", checks["postgres"]?["status"]?.GetValue<string>());
        Assert.False(checks.ContainsKey("rabbitmq"));
        Assert.All(checks, check => Assert.Equal("ok", check.Value!["status"]!.GetValue<string>()));
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = Webhooks.Json("""{"reason":"testing auth"}""");
        }
        return request;
    }
}

/// <summary>Management.Api refuses to start with a missing or weak key, in every environment.</summary>
public sealed class ManagementStartupTests
{
    [Theory]
    [InlineData("Production", "too-short-key")]
    [InlineData("Development", "")]
    public async Task A_short_or_missing_key_stops_the_service_with_a_clear_message(string environment, string key)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["DOTNET_ENVIRONMENT"] = environment,
            ["Relay__ManagementApiKey"] = key,
            ["ConnectionStrings__relaydb"] = TestInfrastructure.DatabaseConnection("postgres"),
            ["ConnectionStrings__redis"] = TestInfrastructure.Redis,
            ["ConnectionStrings__rabbitmq"] = TestInfrastructure.RabbitMq,
        };
        await using var service = new ServiceProcess("Management.Api", RelayCluster.FreePort(), settings);
        service.Start();

        var exited = await Webhooks.EventuallyAsync(() => Task.FromResult(!service.IsRunning), stopped => stopped, TimeSpan.FromSeconds(30));
        Assert.True(exited, $"Management.Api kept running with a weak key:\n{service.RecentOutput}");
        // Output is read asynchronously; give the last lines a moment to arrive.
        var output = await Webhooks.EventuallyAsync(() => Task.FromResult(service.RecentOutput), text => text.Contains("at least 16 characters"), TimeSpan.FromSeconds(5));
        Assert.Contains("Relay:ManagementApiKey must be set to a key of at least 16 characters", output);
        Assert.DoesNotContain("too-short-key", output);
    }
}
