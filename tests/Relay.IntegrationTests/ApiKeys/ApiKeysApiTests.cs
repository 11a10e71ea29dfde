using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Management;

namespace Relay.IntegrationTests.ApiKeys;

/// <summary>Scoped API keys through the gateway: shown once, hashed at rest, scopes checked on every route, revocation, audit.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ApiKeysApiTests(RelayCluster cluster)
{
    private static readonly string[] KeyFields = ["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"];

    private readonly HttpClient admin = cluster.CreateClient(withManagementKey: true);

    [Fact]
    public async Task A_created_key_is_shown_once_and_only_its_prefix_afterwards()
    {
        var name = $"billing system {Guid.NewGuid():N}";
        var created = await ApiKeyClient.CreateAsync(cluster, ["write", "read"], name);

        var data = created.Body["data"]!;
        Assert.Matches("^rly_[0-9a-f]{32}_[0-9a-f]{48}$", created.Key);
        Assert.Equal(created.Key[..36], created.Prefix);
        Assert.Equal("rly_" + Guid.Parse(created.Id).ToString("N"), created.Prefix);
        Assert.Equal(name, data["name"]!.GetValue<string>());
        Assert.Equal(["read", "write"], data["scopes"]!.AsArray().Select(scope => scope!.GetValue<string>()));
        Assert.Null(data["revokedAt"]);

        var secret = created.Key[37..];
        var one = await ManagementData.GetJsonAsync(admin, $"/api/v1/api-keys/{created.Id}");
        var list = await AllKeysAsync();
        var listed = list.Single(item => item["id"]!.GetValue<string>() == created.Id);
        foreach (var shown in new[] { one["data"]!, listed })
        {
            Assert.Equal(KeyFields, shown.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
            Assert.Equal(created.Prefix, shown["prefix"]!.GetValue<string>());
            Assert.DoesNotContain(secret, shown.ToJsonString());
        }

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Prefix, byte[] SecretHash)>(
            "SELECT prefix, secret_hash FROM api_keys WHERE id = @id", new { id = Guid.Parse(created.Id) });
        Assert.Equal(created.Prefix, stored.Prefix);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)), stored.SecretHash);
        var everything = await connection.QuerySingleAsync<string>("SELECT row_to_json(k)::text FROM api_keys k WHERE id = @id", new { id = Guid.Parse(created.Id) });
        Assert.DoesNotContain(secret, everything);
        var audit = await connection.QuerySingleAsync<string>("SELECT details::text FROM audit_entries WHERE entity_id = @id AND action = 'api_key.created'", new { id = Guid.Parse(created.Id) });
        Assert.DoesNotContain(secret, audit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_read_key_reads_but_is_refused_with_403_on_writes_replays_and_keys(bool asBearer)
    {
        var key = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        using var reader = ApiKeyClient.With(cluster, key.Key, asBearer);

        await ManagementData.GetJsonAsync(reader, "/api/v1/integrations");
        await ManagementData.GetJsonAsync(reader, "/api/v1/events?pageSize=1");
        await ManagementData.GetJsonAsync(reader, "/api/v1/audit-entries?pageSize=1");

        using var create = await reader.PostAsync("/api/v1/integrations", Webhooks.Json("""{"provider":"acme","name":"x","secret":"a-secret-of-16-chars","callbackUrl":"https://example.com"}"""));
        await AssertForbiddenAsync(create, "write");
        using var patch = await reader.PatchAsync($"/api/v1/destinations/{Guid.NewGuid()}", Webhooks.Json("{}"));
        await AssertForbiddenAsync(patch, "write");
        using var replay = await reader.PostAsync($"/api/v1/events/{Guid.NewGuid()}/replay", Webhooks.Json("""{"reason":"not allowed"}"""));
        await AssertForbiddenAsync(replay, "replay");
        using var keys = await reader.GetAsync("/api/v1/api-keys");
        await AssertForbiddenAsync(keys, "admin");
        using var newKey = await reader.PostAsync("/api/v1/api-keys", Webhooks.Json("""{"name":"escalate","scopes":["admin"]}"""));
        await AssertForbiddenAsync(newKey, "admin");
    }

    [Fact]
    public async Task Write_and_replay_are_separate_scopes_and_admin_has_them_all()
    {
        var writer = await ApiKeyClient.CreateAsync(cluster, ["write"]);
        var replayer = await ApiKeyClient.CreateAsync(cluster, ["replay"]);
        var administrator = await ApiKeyClient.CreateAsync(cluster, ["admin"]);
        var missingEvent = $"/api/v1/events/{Guid.NewGuid()}/replay";
        var replayBody = """{"reason":"scope check"}""";

        using (var client = ApiKeyClient.With(cluster, writer.Key))
        {
            using var replay = await client.PostAsync(missingEvent, Webhooks.Json(replayBody));
            await AssertForbiddenAsync(replay, "replay");
            using var read = await client.GetAsync("/api/v1/integrations");
            await AssertForbiddenAsync(read, "read");
            // Past the scope check: the route itself answers.
            using var patch = await client.PatchAsync($"/api/v1/destinations/{Guid.NewGuid()}", Webhooks.Json("{}"));
            Assert.NotEqual(HttpStatusCode.Forbidden, patch.StatusCode);
        }
        using (var client = ApiKeyClient.With(cluster, replayer.Key))
        {
            using var replay = await client.PostAsync(missingEvent, Webhooks.Json(replayBody));
            await ManagementData.AssertErrorAsync(replay, HttpStatusCode.NotFound, "NOT_FOUND", "Event not found");
            using var patch = await client.PatchAsync($"/api/v1/destinations/{Guid.NewGuid()}", Webhooks.Json("{}"));
            await AssertForbiddenAsync(patch, "write");
        }
        using (var client = ApiKeyClient.With(cluster, administrator.Key, asBearer: true))
        {
            using var replay = await client.PostAsync(missingEvent, Webhooks.Json(replayBody));
            await ManagementData.AssertErrorAsync(replay, HttpStatusCode.NotFound, "NOT_FOUND");
            await ManagementData.GetJsonAsync(client, "/api/v1/api-keys");
            var created = await ApiKeyClient.CreateAsync(cluster, ["read"], admin: client);
            Assert.StartsWith("rly_", created.Key);
        }
    }

    [Fact]
    public async Task A_revoked_key_answers_401_like_an_unknown_one()
    {
        var key = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        using var client = ApiKeyClient.With(cluster, key.Key);
        await ManagementData.GetJsonAsync(client, "/api/v1/integrations");

        using var revoke = await admin.DeleteAsync($"/api/v1/api-keys/{key.Id}");
        var revoked = await revoke.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var revokedAt = revoked["data"]!["revokedAt"]!.GetValue<DateTime>();

        using var refused = await client.GetAsync("/api/v1/integrations");
        await ManagementData.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");

        // Revoking again changes nothing; the list shows the revocation, activeOnly leaves the key out.
        using var again = await admin.DeleteAsync($"/api/v1/api-keys/{key.Id}");
        Assert.Equal(revokedAt, (await again.ReadJsonAsync())["data"]!["revokedAt"]!.GetValue<DateTime>());
        Assert.Equal(revokedAt, (await AllKeysAsync()).Single(item => item["id"]!.GetValue<string>() == key.Id)["revokedAt"]!.GetValue<DateTime>());
        Assert.DoesNotContain(key.Id, (await AllKeysAsync("activeOnly=true")).Select(item => item["id"]!.GetValue<string>()));

        // A key in the right format that was never issued, and a real key with its secret changed.
        var unknown = $"rly_{Guid.NewGuid():N}_{new string('a', 48)}";
        var tampered = key.Key[..^1] + (key.Key[^1] == '0' ? '1' : '0');
        var live = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        var liveTampered = live.Key[..^1] + (live.Key[^1] == '0' ? '1' : '0');
        foreach (var wrong in new[] { unknown, tampered, liveTampered })
        {
            using var wrongClient = ApiKeyClient.With(cluster, wrong);
            using var response = await wrongClient.GetAsync("/api/v1/integrations");
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        }
        using var unknownRevoke = await admin.DeleteAsync($"/api/v1/api-keys/{Guid.NewGuid()}");
        await ManagementData.AssertErrorAsync(unknownRevoke, HttpStatusCode.NotFound, "NOT_FOUND", "API key not found");
    }

    [Fact]
    public async Task Changes_are_audited_with_the_acting_key_id_and_key_create_and_revoke_are_audited()
    {
        var administrator = await ApiKeyClient.CreateAsync(cluster, ["admin"]);
        var writer = await ApiKeyClient.CreateAsync(cluster, ["write", "read"], admin: ApiKeyClient.With(cluster, administrator.Key));
        var acmeId = (await ManagementData.GetJsonAsync(admin, "/api/v1/integrations?provider=acme"))["data"]![0]!["id"]!.GetValue<string>();

        using var writerClient = ApiKeyClient.With(cluster, writer.Key);
        var sinkUrl = new Uri(cluster.GatewayAddress, "/api/v1/internal/delivery-sink/acme").ToString();
        using var create = await writerClient.PostAsync($"/api/v1/integrations/{acmeId}/destinations",
            Webhooks.Json($$"""{"url":"{{sinkUrl}}","eventTypes":["audit.check.{{Guid.NewGuid():N}}"]}"""));
        var destination = await create.ReadJsonAsync();
        Assert.True(create.StatusCode == HttpStatusCode.Created, destination.ToJsonString());
        var destinationId = destination["data"]!["id"]!.GetValue<string>();
        using var delete = await writerClient.DeleteAsync($"/api/v1/destinations/{destinationId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var adminClient = ApiKeyClient.With(cluster, administrator.Key);
        using var revoke = await adminClient.DeleteAsync($"/api/v1/api-keys/{writer.Id}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var destinationEntries = (await ManagementData.GetJsonAsync(admin, $"/api/v1/audit-entries?entityId={destinationId}"))["data"]!.AsArray();
        Assert.Equal(["destination.deleted", "destination.created"], destinationEntries.Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.All(destinationEntries, entry => Assert.Equal(writer.Id, entry!["apiKeyId"]!.GetValue<string>()));

        var keyEntries = (await ManagementData.GetJsonAsync(admin, $"/api/v1/audit-entries?entityType=api_key&entityId={writer.Id}"))["data"]!.AsArray();
        Assert.Equal(["api_key.revoked", "api_key.created"], keyEntries.Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.All(keyEntries, entry => Assert.Equal(administrator.Id, entry!["apiKeyId"]!.GetValue<string>()));
        Assert.Equal(writer.Prefix, keyEntries[1]!["details"]!["prefix"]!.GetValue<string>());

        // The bootstrap key is audited as "bootstrap"; filtering by key finds an acting key's entries.
        var bootstrapEntries = (await ManagementData.GetJsonAsync(admin, $"/api/v1/audit-entries?entityId={administrator.Id}"))["data"]!.AsArray();
        Assert.Equal("bootstrap", Assert.Single(bootstrapEntries)!["apiKeyId"]!.GetValue<string>());
        var byKey = (await ManagementData.GetJsonAsync(admin, $"/api/v1/audit-entries?apiKeyId={writer.Id}"))["data"]!.AsArray();
        Assert.Equal(2, byKey.Count);
    }

    [Fact]
    public async Task Using_a_key_records_when_it_was_last_used()
    {
        var key = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        Assert.Null(key.Body["data"]!["lastUsedAt"]);
        using var client = ApiKeyClient.With(cluster, key.Key);
        await ManagementData.GetJsonAsync(client, "/api/v1/integrations");

        var shown = await Webhooks.EventuallyAsync(
            () => ManagementData.GetJsonAsync(admin, $"/api/v1/api-keys/{key.Id}"), json => json["data"]!["lastUsedAt"] is not null, TimeSpan.FromSeconds(10));
        Assert.NotNull(shown["data"]!["lastUsedAt"]);
    }

    [Fact]
    public async Task The_list_pages_by_cursor()
    {
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await ApiKeyClient.CreateAsync(cluster, ["read"])).Id);
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ManagementData.GetJsonAsync(admin, "/api/v1/api-keys?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(page["data"]!.AsArray().Count <= 2);
            Assert.Equal(2, page["meta"]!["limit"]!.GetValue<int>());
            seen.AddRange(ManagementData.Ids(page));
            cursor = page["meta"]!["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(created, seen.Where(created.Contains));
    }

    [Theory]
    [InlineData("""{"scopes":["read"]}""", "name")]
    [InlineData("""{"name":"x"}""", "scopes")]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["superuser"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["read","read"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":"read"}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["read"],"key":"rly_mine"}""", "key")]
    public async Task A_bad_key_request_answers_400_naming_the_field(string body, string field)
    {
        using var response = await admin.PostAsync("/api/v1/api-keys", Webhooks.Json(body));
        await ManagementData.AssertValidationErrorAsync(response, field);
    }

    private async Task<List<JsonNode>> AllKeysAsync(string query = "")
    {
        var keys = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await ManagementData.GetJsonAsync(admin, $"/api/v1/api-keys?limit=100{(query.Length > 0 ? "&" + query : "")}{(cursor is null ? "" : $"&cursor={cursor}")}");
            keys.AddRange(page["data"]!.AsArray().Select(item => item!));
            cursor = page["meta"]!["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return keys;
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string scope)
    {
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(scope, json["error"]!["details"]!["requiredScope"]!.GetValue<string>());
    }
}
