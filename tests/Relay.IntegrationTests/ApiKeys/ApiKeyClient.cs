using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.ApiKeys;

/// <summary>Creates API keys through the gateway with the bootstrap (configured management) key, and clients that use them.</summary>
internal static class ApiKeyClient
{
    public sealed record CreatedKey(string Id, string Key, string Prefix, JsonNode Body);

    public static async Task<CreatedKey> CreateAsync(RelayCluster cluster, string[] scopes, string? name = null, HttpClient? admin = null)
    {
        using var bootstrap = admin is null ? cluster.CreateClient(withManagementKey: true) : null;
        var client = admin ?? bootstrap!;
        using var response = await client.PostAsync("/api/v1/api-keys",
            Webhooks.Json(JsonSerializer.Serialize(new { name = name ?? $"test key {Guid.NewGuid():N}", scopes })));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating a key answered {(int)response.StatusCode}: {body}\n{cluster.Logs()}");
        var json = JsonNode.Parse(body)!;
        var data = json["data"]!;
        return new CreatedKey(data["id"]!.GetValue<string>(), data["key"]!.GetValue<string>(), data["prefix"]!.GetValue<string>(), json);
    }

    /// <summary>A client sending <paramref name="key"/> in <c>x-internal-api-key</c>, or as a bearer token.</summary>
    public static HttpClient With(RelayCluster cluster, string key, bool asBearer = false)
    {
        var client = cluster.CreateClient();
        if (asBearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else
        {
            client.DefaultRequestHeaders.Add("x-internal-api-key", key);
        }
        return client;
    }
}
