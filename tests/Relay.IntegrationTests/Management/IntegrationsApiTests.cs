using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

[Collection(SharedClusterCollection.Name)]
public sealed class IntegrationsApiTests(RelayCluster cluster)
{
    private static readonly string[] IntegrationFields = ["callbackUrl", "createdAt", "id", "isActive", "name", "provider", "updatedAt"];

    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    [Fact]
    public async Task Lists_integrations_ordered_by_provider_without_any_secret()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var storedSecrets = (await connection.QueryAsync<string>("SELECT webhook_secret FROM integrations")).ToList();

        using var response = await client.GetAsync("/api/v1/integrations");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        foreach (var forbidden in new[] { RelayCluster.AcmeSecret, RelayCluster.GlobexSecret, "v1:", "webhookSecret", "webhook_secret", "encryptedSecret" }.Concat(storedSecrets))
        {
            Assert.DoesNotContain(forbidden, body, StringComparison.OrdinalIgnoreCase);
        }

        var json = JsonNode.Parse(body)!;
        Assert.True(json["success"]!.GetValue<bool>());
        var items = json["data"]!.AsArray();
        var providers = items.Select(item => item!["provider"]!.GetValue<string>()).ToList();
        Assert.Contains("acme", providers);
        Assert.Contains("globex", providers);
        // Plain lower-case keys sort the same in every collation; other tests may add ones with punctuation.
        var plain = providers.Where(provider => provider.All(char.IsAsciiLetterLower)).ToList();
        Assert.Equal(plain.Order(StringComparer.Ordinal), plain);
        Assert.Equal(items.Count, json["meta"]!["total"]!.GetValue<long>());
        foreach (var item in items)
        {
            Assert.Equal(IntegrationFields, item!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        }

        var acme = items.Single(item => item!["provider"]!.GetValue<string>() == "acme")!;
        Assert.Equal("Acme Corp", acme["name"]!.GetValue<string>());
        Assert.EndsWith("/api/v1/internal/delivery-sink/acme", acme["callbackUrl"]!.GetValue<string>());
        Assert.True(acme["isActive"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(acme["id"]!.GetValue<string>(), out _));
        Assert.EndsWith("Z", acme["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filters_by_provider_and_active_state()
    {
        var inactiveProvider = $"mgmt-off-{Guid.NewGuid():N}"[..24];
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active)
                VALUES (@id, @inactiveProvider, 'Switched off', 'v1:not-a-real-ciphertext', 'http://127.0.0.1:9/off', false)
                """, new { id = Guid.NewGuid(), inactiveProvider });
        }

        var all = await ProvidersAsync("/api/v1/integrations");
        var allExplicit = await ProvidersAsync("/api/v1/integrations?activeOnly=false");
        var active = await ProvidersAsync("/api/v1/integrations?activeOnly=true");
        Assert.Contains(inactiveProvider, all);
        Assert.Equal(all, allExplicit);
        Assert.DoesNotContain(inactiveProvider, active);
        Assert.Contains("acme", active);

        Assert.Equal(["globex"], await ProvidersAsync("/api/v1/integrations?provider=globex"));
        Assert.Equal(["globex"], await ProvidersAsync("/api/v1/integrations?provider=GLOBEX&activeOnly=true"));
        Assert.Equal([inactiveProvider], await ProvidersAsync($"/api/v1/integrations?provider={inactiveProvider}"));
        Assert.Empty(await ProvidersAsync($"/api/v1/integrations?provider={inactiveProvider}&activeOnly=true"));

        var none = await ManagementData.GetJsonAsync(client, "/api/v1/integrations?provider=nobody-here");
        Assert.Empty(none["data"]!.AsArray());
        Assert.Equal(0, none["meta"]!["total"]!.GetValue<long>());

        var body = await client.GetStringAsync($"/api/v1/integrations?provider={inactiveProvider}");
        Assert.DoesNotContain("not-a-real-ciphertext", body);
    }

    [Theory]
    [InlineData("activeOnly=maybe", "activeOnly")]
    [InlineData("activeOnly=1", "activeOnly")]
    [InlineData("activeOnly=yes", "activeOnly")]
    [InlineData("activeOnly=true&activeOnly=false", "activeOnly")]
    [InlineData("provider=a", "provider")]
    [InlineData("provider=not%20a%20provider", "provider")]
    public async Task Bad_filter_values_answer_400(string query, string parameter)
    {
        using var response = await client.GetAsync($"/api/v1/integrations?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    private async Task<List<string>> ProvidersAsync(string path) =>
        (await ManagementData.GetJsonAsync(client, path))["data"]!.AsArray().Select(item => item!["provider"]!.GetValue<string>()).ToList();
}
