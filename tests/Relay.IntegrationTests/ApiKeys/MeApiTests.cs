using System.Net;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Management;

namespace Relay.IntegrationTests.ApiKeys;

/// <summary><c>GET /api/v1/me</c> through the gateway: the calling key, its effective scopes, never its secret.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class MeApiTests(RelayCluster cluster)
{
    [Fact]
    public async Task The_bootstrap_key_is_bootstrap_with_every_scope_and_no_name()
    {
        using var admin = cluster.CreateClient(withManagementKey: true);

        var data = (await ManagementData.GetJsonAsync(admin, "/api/v1/me"))["data"]!;

        Assert.Equal("bootstrap", data["keyId"]!.GetValue<string>());
        Assert.Equal(["read", "write", "replay", "admin"], Scopes(data));
        Assert.Null(data["name"]);
        Assert.Null(data["prefix"]);
    }

    [Theory]
    [InlineData(new[] { "read" }, new[] { "read" })]
    [InlineData(new[] { "replay", "read" }, new[] { "read", "replay" })]
    [InlineData(new[] { "admin" }, new[] { "read", "write", "replay", "admin" })]
    public async Task An_api_key_is_its_id_name_prefix_and_effective_scopes_without_its_secret(string[] scopes, string[] effective)
    {
        var name = $"me test {Guid.NewGuid():N}";
        var key = await ApiKeyClient.CreateAsync(cluster, scopes, name);
        using var client = ApiKeyClient.With(cluster, key.Key);

        var body = await ManagementData.GetJsonAsync(client, "/api/v1/me");
        var data = body["data"]!;

        Assert.True(body["success"]!.GetValue<bool>());
        Assert.Equal(["keyId", "name", "prefix", "scopes"], data.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(key.Id, data["keyId"]!.GetValue<string>());
        Assert.Equal(name, data["name"]!.GetValue<string>());
        Assert.Equal(key.Prefix, data["prefix"]!.GetValue<string>());
        Assert.Equal(effective, Scopes(data));
        Assert.DoesNotContain(key.Key[37..], body.ToJsonString());
    }

    [Fact]
    public async Task A_revoked_key_an_unknown_key_and_no_key_get_401()
    {
        var key = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        using var client = ApiKeyClient.With(cluster, key.Key);
        await ManagementData.GetJsonAsync(client, "/api/v1/me");
        using var admin = cluster.CreateClient(withManagementKey: true);
        using var revoke = await admin.DeleteAsync($"/api/v1/api-keys/{key.Id}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        using var revoked = await client.GetAsync("/api/v1/me");
        await ManagementData.AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        using var anonymous = cluster.CreateClient();
        using var none = await anonymous.GetAsync("/api/v1/me");
        await ManagementData.AssertErrorAsync(none, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        using var unknown = ApiKeyClient.With(cluster, $"rly_{Guid.NewGuid():N}_{new string('a', 48)}");
        using var refused = await unknown.GetAsync("/api/v1/me");
        await ManagementData.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
    }

    [Fact]
    public async Task A_query_string_is_refused_with_400()
    {
        using var admin = cluster.CreateClient(withManagementKey: true);
        using var response = await admin.GetAsync("/api/v1/me?who=me");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static List<string> Scopes(JsonNode data) => data["scopes"]!.AsArray().Select(scope => scope!.GetValue<string>()).ToList();
}
