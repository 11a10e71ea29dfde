using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// No route answers with a secret: not the integration secrets, not their ciphertext, not the credentials a
/// provider sent (the acme signature, the globex token) and not other credentials that came along with a webhook.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed partial class NoSecretsTests(RelayCluster cluster)
{
    private const string BearerToken = "Bearer hostile-bearer-token-0123456789";
    private const string CookieValue = "session=hostile-cookie-value-0123456789";

    [GeneratedRegex("v1:[A-Za-z0-9+/=]{16,}")]
    private static partial Regex CiphertextShape();

    [Fact]
    public async Task No_route_returns_a_secret_or_a_credential_sent_with_a_webhook()
    {
        using var client = cluster.CreateClient();
        using var management = cluster.CreateClient(withManagementKey: true);

        var acmeBody = Webhooks.AcmeBody();
        var acmeSignature = Webhooks.Sign(acmeBody);
        using var acmeRequest = Webhooks.Acme(acmeBody, acmeSignature);
        AddStrayCredentials(acmeRequest);
        using var acmeResponse = await client.SendAsync(acmeRequest);
        Assert.Equal(HttpStatusCode.Accepted, acmeResponse.StatusCode);
        var acmeAnswer = await acmeResponse.Content.ReadAsStringAsync();
        var acmeEventId = JsonNode.Parse(acmeAnswer)!["data"]!["eventId"]!.GetValue<string>();

        using var globexRequest = Webhooks.Globex(Webhooks.GlobexBody());
        AddStrayCredentials(globexRequest);
        using var globexResponse = await client.SendAsync(globexRequest);
        Assert.Equal(HttpStatusCode.Accepted, globexResponse.StatusCode);
        var globexAnswer = await globexResponse.Content.ReadAsStringAsync();
        var globexEventId = JsonNode.Parse(globexAnswer)!["data"]!["eventId"]!.GetValue<string>();

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var ciphertexts = (await connection.QueryAsync<string>("SELECT webhook_secret FROM integrations")).ToList();
        Assert.NotEmpty(ciphertexts);
        Assert.All(ciphertexts, ciphertext => Assert.StartsWith("v1:", ciphertext));
        string[] forbidden =
        [
            RelayCluster.AcmeSecret, RelayCluster.GlobexSecret, acmeSignature, RelayCluster.ManagementApiKey, BearerToken, CookieValue,
            "hostile-bearer-token", "hostile-cookie-value", .. ciphertexts,
        ];

        // Let delivery run, so delivery attempts (and their recorded responses) are part of what is read back.
        await Webhooks.EventuallyAsync(
            () => connection.ExecuteScalarAsync<long>("SELECT count(*) FROM delivery_attempts WHERE normalized_event_id = ANY(@ids)", new { ids = new[] { Guid.Parse(acmeEventId), Guid.Parse(globexEventId) } }),
            count => count >= 2,
            TimeSpan.FromSeconds(15));

        var answers = new Dictionary<string, string> { ["POST acme webhook"] = acmeAnswer, ["POST globex webhook"] = globexAnswer };
        string[] routes =
        [
            "/api/v1/integrations", "/api/v1/integrations?provider=acme", "/api/v1/integrations?activeOnly=true",
            "/api/v1/events", "/api/v1/events?pageSize=100",
            $"/api/v1/events/{acmeEventId}", $"/api/v1/events/{globexEventId}",
            $"/api/v1/events/{acmeEventId}/status", $"/api/v1/processing-status/{globexEventId}",
            "/api/v1/deliveries?pageSize=100", $"/api/v1/deliveries?eventId={acmeEventId}",
            "/api/v1/audit-entries?pageSize=100", $"/api/v1/audit-entries?entityId={globexEventId}",
        ];
        foreach (var route in routes)
        {
            using var response = await management.GetAsync(route);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route} answered {(int)response.StatusCode}");
            answers[$"GET {route}"] = await response.Content.ReadAsStringAsync();
        }

        foreach (var (route, body) in answers)
        {
            foreach (var secret in forbidden)
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{route} returned a secret ({secret[..Math.Min(6, secret.Length)]}...): {body}");
            }
            Assert.False(CiphertextShape().IsMatch(body), $"{route} returned something shaped like a protected secret: {body}");
            Assert.DoesNotContain(PropertyNames(JsonNode.Parse(body)), name => name.Contains("secret", StringComparison.OrdinalIgnoreCase));
        }

        // The event detail shows the stored headers with every credential redacted.
        foreach (var eventId in new[] { acmeEventId, globexEventId })
        {
            var headers = JsonNode.Parse(answers[$"GET /api/v1/events/{eventId}"])!["data"]!["webhook"]!["requestHeaders"]!.AsObject();
            foreach (var name in new[] { "authorization", "cookie", "x-internal-api-key", eventId == acmeEventId ? "x-acme-signature" : "x-globex-token" })
            {
                Assert.Equal("[REDACTED]", headers[name]?.GetValue<string>());
            }
        }

        // Nor does the database keep them in the raw headers, or the services print them.
        var storedHeaders = string.Join('\n', await connection.QueryAsync<string>("SELECT request_headers::text FROM webhook_events"));
        foreach (var secret in forbidden)
        {
            Assert.False(storedHeaders.Contains(secret, StringComparison.Ordinal), $"request_headers store a credential ({secret[..Math.Min(6, secret.Length)]}...)");
            Assert.False(cluster.Logs().Contains(secret, StringComparison.Ordinal), $"a service logged a credential ({secret[..Math.Min(6, secret.Length)]}...)");
        }
    }

    private static void AddStrayCredentials(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Authorization", BearerToken);
        request.Headers.TryAddWithoutValidation("Cookie", CookieValue);
        request.Headers.TryAddWithoutValidation("x-internal-api-key", RelayCluster.ManagementApiKey);
    }

    private static IEnumerable<string> PropertyNames(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(pair => PropertyNames(pair.Value).Prepend(pair.Key)),
        JsonArray array => array.SelectMany(PropertyNames),
        _ => [],
    };
}
