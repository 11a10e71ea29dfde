using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// Integrations created, read, changed, switched off and on, and deleted through the gateway, with what each does
/// to ingest and to the audit trail. No answer ever holds an inbound secret.
/// </summary>
[Collection(IntegrationManagementCollection.Name)]
public sealed class IntegrationManagementTests(IntegrationManagementCluster cluster) : IDisposable
{
    private static readonly string[] ListFields = ["callbackUrl", "createdAt", "id", "isActive", "name", "provider", "updatedAt"];

    private readonly IntegrationManagementClient api = new(cluster);
    private readonly List<string> secrets = [];

    public void Dispose() => api.Dispose();

    /// <summary>No answer so far held an inbound secret this test used, or any ciphertext.</summary>
    private void AssertNoAnswerHeldASecret() => api.AssertNoAnswerHeld([.. secrets]);

    private string Secret(string label)
    {
        var secret = IntegrationManagementClient.NewSecret(label);
        secrets.Add(secret);
        return secret;
    }

    [Fact]
    public async Task Creating_an_integration_stores_its_secret_encrypted_creates_its_default_destination_and_lets_its_webhooks_in()
    {
        var secret = Secret("acme-created");
        var created = await api.CreateFreshAsync("acme", secret, name: "  Acme Production ");
        var answersBeforeReadBack = api.Answers.Count;
        var id = created["id"]!.GetValue<string>();

        Assert.Equal(["callbackUrl", "createdAt", "defaultDestination", "fields", "id", "isActive", "name", "preset", "provider", "updatedAt", "verification"],
            created.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal("acme", created["provider"]!.GetValue<string>());
        Assert.Equal("Acme Production", created["name"]!.GetValue<string>());
        Assert.Equal(cluster.SinkUrl("acme"), created["callbackUrl"]!.GetValue<string>());
        Assert.True(created["isActive"]!.GetValue<bool>());
        var destinationId = created["defaultDestination"]!["id"]!.GetValue<string>();
        var signingSecret = created["defaultDestination"]!["signingSecret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", signingSecret);
        Assert.Equal(32, Convert.FromBase64String(signingSecret["whsec_".Length..]).Length);

        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            var stored = await connection.QuerySingleAsync<(string WebhookSecret, bool IsActive)>(
                "SELECT webhook_secret, is_active FROM integrations WHERE id = @id", new { id = Guid.Parse(id) });
            Assert.StartsWith("v1:", stored.WebhookSecret);
            Assert.DoesNotContain(secret, stored.WebhookSecret);
            var destination = await connection.QuerySingleAsync<(Guid Id, string? Url, string SigningSecret)>(
                "SELECT id, url, signing_secret FROM destinations WHERE integration_id = @id AND is_default AND deleted_at IS NULL", new { id = Guid.Parse(id) });
            Assert.Equal(Guid.Parse(destinationId), destination.Id);
            Assert.Null(destination.Url);
            Assert.StartsWith("v1:", destination.SigningSecret);
            Assert.DoesNotContain(signingSecret, destination.SigningSecret);
        }

        // Read back: the signing secret was shown once and never again.
        var detail = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/integrations/{id}"))["data"]!;
        Assert.Equal(["callbackUrl", "createdAt", "defaultDestinationId", "fields", "id", "inboundSecret", "isActive", "name", "preset", "provider", "updatedAt", "verification"],
            detail.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(destinationId, detail["defaultDestinationId"]!.GetValue<string>());
        Assert.Null(detail["inboundSecret"]!["rotatedAt"]);
        Assert.Null(detail["inboundSecret"]!["previousValidUntil"]);
        Assert.Equal(created["createdAt"]!.GetValue<string>(), detail["createdAt"]!.GetValue<string>());
        Assert.DoesNotContain(api.Answers.Skip(answersBeforeReadBack), answer => answer.Contains(signingSecret, StringComparison.Ordinal) || answer.Contains("whsec_", StringComparison.Ordinal));

        // The new secret verifies webhooks through the gateway; the seeded one no longer does.
        var accepted = await api.WebhookEventuallyAsync("acme", secret, HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid acme webhook signature"), await api.SendWebhookAsync("acme", RelayCluster.AcmeSecret));

        var audit = await AuditAsync(id);
        var entry = Assert.Single(audit);
        Assert.Equal("integration.created", entry["action"]!.GetValue<string>());
        Assert.Equal("management-api", entry["actor"]!.GetValue<string>());
        Assert.Equal("acme", entry["details"]!["provider"]!.GetValue<string>());
        Assert.Equal(destinationId, entry["details"]!["defaultDestinationId"]!.GetValue<string>());
        AssertNoAnswerHeldASecret();
    }

    [Fact]
    public async Task A_provider_with_a_live_integration_cannot_have_a_second_one()
    {
        await api.CreateFreshAsync("globex", Secret("globex-first"));

        foreach (var provider in new[] { "globex", "GLOBEX" })
        {
            var conflict = await api.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/api/v1/integrations",
                new { provider, name = "Second globex", secret = Secret("globex-second"), callbackUrl = cluster.SinkUrl("globex") });
            Assert.False(conflict["success"]!.GetValue<bool>());
            Assert.Equal("CONFLICT", conflict["error"]!["code"]!.GetValue<string>());
            Assert.NotNull(conflict["error"]!["details"]!["provider"]);
        }
        var live = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations?provider=globex");
        Assert.Single(live["data"]!.AsArray());
        AssertNoAnswerHeldASecret();
    }

    public static TheoryData<string, string> InvalidNewIntegrations() => new()
    {
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"not a url"}""", "callbackUrl" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"ftp://example.com/hook"}""", "callbackUrl" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"http://169.254.169.254/latest/meta-data/"}""", "callbackUrl" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"http://10.0.0.1/hook"}""", "callbackUrl" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"http://[::ffff:169.254.169.254]/"}""", "callbackUrl" },
        { """{"provider":"acme","name":"A","secret":"too-short","callbackUrl":"https://example.com/hook"}""", "secret" },
        { """{"provider":"initech","name":"A","secret":"0123456789abcdef","callbackUrl":"https://example.com/hook"}""", "provider" },
        { """{"provider":"acme","name":"","secret":"0123456789abcdef","callbackUrl":"https://example.com/hook"}""", "name" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"https://example.com/hook","webhookSecret":"x"}""", "webhookSecret" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef","callbackUrl":"https://example.com/hook","isActive":"yes"}""", "isActive" },
        { """{"provider":"acme","name":"A","secret":"0123456789abcdef"}""", "callbackUrl" },
        { "[1,2]", "body" },
        { "{\"provider\":", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidNewIntegrations))]
    public async Task Invalid_new_integrations_answer_400_naming_the_field(string body, string field)
    {
        await api.ExpectValidationErrorAsync(field, HttpMethod.Post, "/api/v1/integrations", rawBody: body);
    }

    [Fact]
    public async Task Patch_changes_what_it_is_given_and_audits_what_changed()
    {
        var created = await api.CreateFreshAsync("globex", Secret("globex-patch"));
        var id = created["id"]!.GetValue<string>();
        var newUrl = cluster.SinkUrl("globex") + "?v=2";

        var patched = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/api/v1/integrations/{id}",
            new { name = "Globex renamed", callbackUrl = newUrl, requestedBy = "ops-alice" }))["data"]!;
        Assert.Equal("Globex renamed", patched["name"]!.GetValue<string>());
        Assert.Equal(newUrl, patched["callbackUrl"]!.GetValue<string>());
        Assert.True(patched["isActive"]!.GetValue<bool>());
        Assert.True(DateTime.Parse(patched["updatedAt"]!.GetValue<string>()) > DateTime.Parse(created["updatedAt"]!.GetValue<string>()));
        Assert.Equal(created["defaultDestination"]!["id"]!.GetValue<string>(), patched["defaultDestinationId"]!.GetValue<string>());

        // The same values again change nothing, and write no audit entry.
        await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/api/v1/integrations/{id}", new { name = "Globex renamed" });

        var entry = Assert.Single(await AuditAsync(id), entry => entry["action"]!.GetValue<string>() == "integration.updated");
        Assert.Equal("ops-alice", entry["actor"]!.GetValue<string>());
        var changes = entry["details"]!["changes"]!;
        Assert.Equal(["callbackUrl", "name"], changes.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal("globex under test", changes["name"]!["from"]!.GetValue<string>());
        Assert.Equal("Globex renamed", changes["name"]!["to"]!.GetValue<string>());
        Assert.Equal(newUrl, changes["callbackUrl"]!["to"]!.GetValue<string>());

        await api.ExpectValidationErrorAsync("provider", HttpMethod.Patch, $"/api/v1/integrations/{id}", new { name = "X", provider = "acme" });
        await api.ExpectValidationErrorAsync("secret", HttpMethod.Patch, $"/api/v1/integrations/{id}", new { secret = "0123456789abcdef0123" });
        await api.ExpectValidationErrorAsync("body", HttpMethod.Patch, $"/api/v1/integrations/{id}", rawBody: "");
        await api.ExpectValidationErrorAsync("body", HttpMethod.Patch, $"/api/v1/integrations/{id}", rawBody: "{}");
        await api.ExpectValidationErrorAsync("callbackUrl", HttpMethod.Patch, $"/api/v1/integrations/{id}", new { callbackUrl = "http://169.254.169.254/" });
        await api.ExpectValidationErrorAsync("name", HttpMethod.Patch, $"/api/v1/integrations/{id}", new { name = new string('n', 201) });
        await api.ExpectValidationErrorAsync("id", HttpMethod.Patch, "/api/v1/integrations/not-a-uuid", new { name = "X" });
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Patch, $"/api/v1/integrations/{Guid.NewGuid()}", new { name = "X" });

        var unchanged = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/integrations/{id}"))["data"]!;
        Assert.Equal("Globex renamed", unchanged["name"]!.GetValue<string>());
        Assert.Equal(newUrl, unchanged["callbackUrl"]!.GetValue<string>());
        AssertNoAnswerHeldASecret();
    }

    [Fact]
    public async Task Disable_stops_the_providers_webhooks_and_enable_lets_them_in_again()
    {
        var secret = Secret("globex-toggle");
        var id = (await api.CreateFreshAsync("globex", secret))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("globex", secret, HttpStatusCode.Accepted)).Status);

        var disabled = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/disable"))["data"]!;
        Assert.False(disabled["isActive"]!.GetValue<bool>());
        // Disabling again is no change: no second audit entry.
        await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/disable");
        var refused = await api.WebhookEventuallyAsync("globex", secret, HttpStatusCode.NotFound);
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND", "No active integration for provider 'globex'"), refused);

        var listed = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations?provider=globex&activeOnly=true");
        Assert.Empty(listed["data"]!.AsArray());

        var enabled = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/enable", new { requestedBy = "ops-bob" }))["data"]!;
        Assert.True(enabled["isActive"]!.GetValue<bool>());
        // Enabling is seen at once: a refused webhook makes Ingress read the integration again.
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("globex", secret, HttpStatusCode.Accepted, TimeSpan.FromSeconds(3))).Status);

        var actions = (await AuditAsync(id)).Select(entry => (entry["action"]!.GetValue<string>(), entry["actor"]!.GetValue<string>())).ToList();
        Assert.Equal([("integration.enabled", "ops-bob"), ("integration.disabled", "management-api"), ("integration.created", "management-api")], actions);

        await api.ExpectValidationErrorAsync("reason", HttpMethod.Post, $"/api/v1/integrations/{id}/disable", new { reason = "x" });
        await api.ExpectValidationErrorAsync("id", HttpMethod.Post, "/api/v1/integrations/1234/enable");
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/v1/integrations/{Guid.NewGuid()}/enable");
        AssertNoAnswerHeldASecret();
    }

    [Fact]
    public async Task A_deleted_integration_is_gone_its_webhooks_get_the_unknown_providers_404_and_the_provider_can_be_used_again()
    {
        var secret = Secret("acme-deleted");
        var id = (await api.CreateFreshAsync("acme", secret))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("acme", secret, HttpStatusCode.Accepted)).Status);
        using var webhooks = cluster.CreateClient();
        var eventId = await ManagementData.IngestAsync(webhooks, SignedAcme(secret));

        var (status, body, response) = await api.SendAsync(HttpMethod.Delete, $"/api/v1/integrations/{id}", new { requestedBy = "ops-carol" });
        using (response)
        {
            Assert.Equal(HttpStatusCode.NoContent, status);
            Assert.Null(body);
        }

        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/v1/integrations/{id}");
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/v1/integrations/{id}");
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Patch, $"/api/v1/integrations/{id}", new { name = "Back?" });
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/v1/integrations/{id}/enable");
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/v1/integrations/{id}/secret", new { secret = Secret("acme-after-delete") });
        var list = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations");
        Assert.DoesNotContain(id, list["data"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()));
        Assert.DoesNotContain("acme", list["data"]!.AsArray().Select(item => item!["provider"]!.GetValue<string>()));

        // Within Ingress's cache duration the deletion reaches ingest: the same 404 as a provider Relay has never heard of.
        var deleted = await api.WebhookEventuallyAsync("acme", secret, HttpStatusCode.NotFound);
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND", "No active integration for provider 'acme'"), deleted);
        Assert.Equal(deleted, await api.SendWebhookAsync("acme", "any-other-secret-at-all"));
        using (var unknown = await webhooks.SendAsync(SignedAcme(secret, provider: "initech")))
        {
            var json = await unknown.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("NOT_FOUND", json["error"]!["code"]!.GetValue<string>());
            Assert.Equal("No active integration for provider 'initech'", json["error"]!["message"]!.GetValue<string>());
        }

        // The events it received stay readable.
        var retained = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/events/{eventId}");
        Assert.Equal(id, retained["data"]!["event"]!["integrationId"]!.GetValue<string>());

        var deletion = Assert.Single(await AuditAsync(id), entry => entry["action"]!.GetValue<string>() == "integration.deleted");
        Assert.Equal("ops-carol", deletion["actor"]!.GetValue<string>());
        Assert.Equal("acme", deletion["details"]!["provider"]!.GetValue<string>());

        // The provider is free again.
        var secondSecret = Secret("acme-recreated");
        var recreated = await api.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/integrations",
            new { provider = "acme", name = "Acme again", secret = secondSecret, callbackUrl = cluster.SinkUrl("acme") });
        Assert.NotEqual(id, recreated["data"]!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("acme", secondSecret, HttpStatusCode.Accepted)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendWebhookAsync("acme", secret)).Status);
        AssertNoAnswerHeldASecret();
    }

    [Fact]
    public async Task The_list_shows_live_integrations_exactly_as_the_seed_contract_does()
    {
        var acme = await api.CreateFreshAsync("acme", Secret("acme-list"));
        await api.CreateFreshAsync("globex", Secret("globex-list"));

        var list = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations");
        Assert.Equal(["data", "meta", "success"], list.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        var items = list["data"]!.AsArray();
        Assert.Equal(["acme", "globex"], items.Select(item => item!["provider"]!.GetValue<string>()));
        Assert.Equal(2, list["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(["total"], list["meta"]!.AsObject().Select(field => field.Key));
        foreach (var item in items)
        {
            Assert.Equal(ListFields, item!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        }
        Assert.Equal(acme["id"]!.GetValue<string>(), items[0]!["id"]!.GetValue<string>());

        // Deleted rows are still in the table; the list and its filters do not see them.
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM integrations WHERE deleted_at IS NOT NULL") > 0);
        var filtered = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations?provider=acme&activeOnly=false");
        Assert.Single(filtered["data"]!.AsArray());
        AssertNoAnswerHeldASecret();
    }

    [Fact]
    public async Task Get_refuses_a_bad_id_an_unknown_one_and_query_parameters()
    {
        await api.ExpectValidationErrorAsync("id", HttpMethod.Get, "/api/v1/integrations/not-a-uuid");
        var missing = await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/v1/integrations/{Guid.NewGuid()}");
        Assert.Equal("NOT_FOUND", missing["error"]!["code"]!.GetValue<string>());
        var live = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations");
        var id = live["data"]![0]!["id"]!.GetValue<string>();
        await api.ExpectValidationErrorAsync("verbose", HttpMethod.Get, $"/api/v1/integrations/{id}?verbose=true");
    }

    [Fact]
    public async Task The_new_routes_need_the_management_key()
    {
        using var anonymous = cluster.CreateClient();
        var id = Guid.NewGuid();
        (HttpMethod Method, string Path)[] routes =
        [
            (HttpMethod.Post, "/api/v1/integrations"), (HttpMethod.Get, $"/api/v1/integrations/{id}"), (HttpMethod.Patch, $"/api/v1/integrations/{id}"),
            (HttpMethod.Delete, $"/api/v1/integrations/{id}"), (HttpMethod.Post, $"/api/v1/integrations/{id}/enable"),
            (HttpMethod.Post, $"/api/v1/integrations/{id}/disable"), (HttpMethod.Post, $"/api/v1/integrations/{id}/secret"),
        ];
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = Webhooks.Json("{}") };
            using var response = await anonymous.SendAsync(request);
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        }
    }

    /// <summary>The integration's audit entries, newest first.</summary>
    private async Task<List<JsonNode>> AuditAsync(string integrationId) =>
        (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/audit-entries?entityType=integration&entityId={integrationId}"))["data"]!
            .AsArray().Select(entry => entry!).ToList();

    private static HttpRequestMessage SignedAcme(string secret, string provider = "acme")
    {
        var body = Webhooks.AcmeBody();
        return Webhooks.Acme(body, Webhooks.Sign(body, secret), provider);
    }
}
