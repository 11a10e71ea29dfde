using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Inbound;

/// <summary>
/// Each inbound verification scheme through the gateway, configured with no code: an integration created from a
/// preset (or from its own settings) accepts the provider's valid signature, made by the provider's own library
/// (<see cref="ProviderSigners"/>), stores the event with the mapped id, type and time, and refuses a tampered body,
/// a tampered signature and, where the scheme signs a timestamp, a stale one, with 401 in the envelope.
/// </summary>
[Collection(InboundSchemesCollection.Name)]
public sealed class InboundSchemeTests(InboundSchemesCluster cluster) : IDisposable
{
    private readonly HttpClient management = cluster.CreateClient(withManagementKey: true);
    private readonly HttpClient webhooks = cluster.CreateClient();

    public void Dispose()
    {
        management.Dispose();
        webhooks.Dispose();
    }

    private static string NewProvider(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string StandardSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // ------------------------------------------------------------------ stripe

    [Fact]
    public async Task Stripe_accepts_stripes_signature_maps_the_event_and_refuses_tampered_and_stale_ones()
    {
        var provider = NewProvider("stripe");
        var secret = $"whsec_{Guid.NewGuid():N}";
        var created = await CreateAsync(new { provider, name = "Stripe EU", secret, callbackUrl = cluster.SinkUrl(provider), preset = "stripe" });
        Assert.Equal("stripe", created["preset"]!.GetValue<string>());
        Assert.Equal("""{"scheme":"stripe","header":"Stripe-Signature","toleranceSeconds":300}""", created["verification"]!.ToJsonString());

        var eventId = $"evt_{Guid.NewGuid():N}";
        var body = """{"id":"EVENT_ID","object":"event","type":"invoice.paid","created":1763634900,"data":{"object":{"id":"in_1Qx","amount_due":4200}}}"""
            .Replace("EVENT_ID", eventId, StringComparison.Ordinal);
        var tampered = body.Replace("4200", "1", StringComparison.Ordinal);
        var signed = await ProviderSigners.SignAsync(
            new ProviderSigners.Request("stripe", secret, body, Now),
            new ProviderSigners.Request("stripe", secret, body, Now - 301));

        var accepted = await SendAsync(provider, body, signed[0]);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var stored = await EventAsync(accepted.Body);
        Assert.Equal("invoice.paid", stored["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal("2025-11-20T10:35:00Z", stored["event"]!["occurredAt"]!.GetValue<string>());
        Assert.Equal("in_1Qx", stored["event"]!["subject"]!.GetValue<string>());
        Assert.Equal(eventId, stored["webhook"]!["externalEventId"]!.GetValue<string>());
        Assert.Equal($"{provider}:{eventId}", stored["webhook"]!["idempotencyKey"]!.GetValue<string>());
        Assert.Equal(eventId, stored["event"]!["normalizedPayload"]!["data"]!["id"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", stored["webhook"]!["requestHeaders"]!["stripe-signature"]!.GetValue<string>());

        var again = await SendAsync(provider, body, signed[0]);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Body["data"]!["duplicate"]!.GetValue<bool>());

        AssertUnauthorized(await SendAsync(provider, tampered, signed[0]), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, Tamper(signed[0], "Stripe-Signature")), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, signed[1]), "The Stripe-Signature timestamp is more than 300 seconds from the current time");
        AssertUnauthorized(await SendAsync(provider, body, new Dictionary<string, string>()), "Missing Stripe-Signature header");
    }

    // ------------------------------------------------------------------ github

    [Fact]
    public async Task GitHub_accepts_octokits_signature_maps_delivery_and_event_headers_and_refuses_tampered_ones()
    {
        var provider = NewProvider("github");
        // The secret of GitHub's documented example (its example body is not a JSON object, which ingest refuses first).
        const string secret = "It's a Secret to Everybody";
        var created = await CreateAsync(new { provider, name = "GitHub org", secret, callbackUrl = cluster.SinkUrl(provider), preset = "github" });
        Assert.Equal("github", created["preset"]!.GetValue<string>());

        var delivery = Guid.NewGuid().ToString();
        var body = """{"action":"opened","issue":{"number":7},"repository":{"full_name":"octo-org/hello-world"}}""";
        var signed = (await ProviderSigners.SignAsync(new ProviderSigners.Request("github", secret, body)))[0];
        var headers = new Dictionary<string, string>(signed) { ["X-GitHub-Event"] = "issues", ["X-GitHub-Delivery"] = delivery };

        var accepted = await SendAsync(provider, body, headers);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var stored = await EventAsync(accepted.Body);
        Assert.Equal("issues", stored["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal("octo-org/hello-world", stored["event"]!["subject"]!.GetValue<string>());
        Assert.Equal(delivery, stored["webhook"]!["externalEventId"]!.GetValue<string>());
        // GitHub sends no common timestamp: the received time stands for it.
        Assert.Equal(stored["event"]!["receivedAt"]!.GetValue<string>(), stored["event"]!["occurredAt"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), stored["event"]!["normalizedPayload"]!["data"]), stored.ToJsonString());

        AssertUnauthorized(await SendAsync(provider, body.Replace("opened", "closed", StringComparison.Ordinal), headers), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, Tamper(headers, "X-Hub-Signature-256")), $"Invalid {provider} webhook signature");

        // The field limits apply to header values too, with the same 400.
        var tooLong = await SendAsync(provider, body, new Dictionary<string, string>(headers) { ["X-GitHub-Delivery"] = new string('d', 256) });
        AssertValidation(tooLong, "headers.x-github-delivery", "must be at most 255 characters (it becomes the event's id)");
        var untyped = await SendAsync(provider, body, new Dictionary<string, string>(signed) { ["X-GitHub-Delivery"] = delivery + "-2" });
        AssertValidation(untyped, "headers.x-github-event", "must be a non-empty string");
    }

    // ------------------------------------------------------------------ shopify

    [Fact]
    public async Task Shopify_accepts_the_signature_of_shopifys_library_maps_its_headers_and_refuses_tampered_ones()
    {
        var provider = NewProvider("shop-eu");
        var secret = $"shpss_{Guid.NewGuid():N}";
        var created = await CreateAsync(new { provider, name = "Shop EU", secret, callbackUrl = cluster.SinkUrl(provider), preset = "shopify" });
        Assert.Equal("shopify", created["preset"]!.GetValue<string>());

        var webhookId = Guid.NewGuid().ToString();
        var body = """{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","total_price":"10.00"}""";
        var signed = (await ProviderSigners.SignAsync(new ProviderSigners.Request("shopify", secret, body)))[0];
        var headers = new Dictionary<string, string>(signed)
        {
            ["X-Shopify-Topic"] = "orders/create",
            ["X-Shopify-Webhook-Id"] = webhookId,
            ["X-Shopify-Triggered-At"] = "2026-11-20T10:00:27.877041743Z",
            ["X-Shopify-Shop-Domain"] = "example.myshopify.com",
        };

        var accepted = await SendAsync(provider, body, headers);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var stored = await EventAsync(accepted.Body);
        Assert.Equal("orders/create", stored["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal("gid://shopify/Order/820982911946154508", stored["event"]!["subject"]!.GetValue<string>());
        Assert.Equal(webhookId, stored["webhook"]!["externalEventId"]!.GetValue<string>());
        Assert.StartsWith("2026-11-20T10:00:27.877", stored["event"]!["occurredAt"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", stored["webhook"]!["requestHeaders"]!["x-shopify-hmac-sha256"]!.GetValue<string>());

        AssertUnauthorized(await SendAsync(provider, body.Replace("10.00", "0.01", StringComparison.Ordinal), headers), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, Tamper(headers, "X-Shopify-Hmac-Sha256")), $"Invalid {provider} webhook signature");
    }

    // ------------------------------------------------------------------ standard webhooks

    [Fact]
    public async Task Standard_webhooks_accepts_the_reference_librarys_signature_and_refuses_tampered_and_stale_ones()
    {
        var provider = NewProvider("std");
        var secret = StandardSecret();
        var created = await CreateAsync(new { provider, name = "Standard sender", secret, callbackUrl = cluster.SinkUrl(provider), preset = "standard-webhooks" });
        Assert.Equal("""{"scheme":"standard-webhooks","toleranceSeconds":300}""", created["verification"]!.ToJsonString());

        var messageId = $"msg_{Guid.NewGuid():N}";
        var body = """{"type":"user.created","timestamp":"2026-11-20T10:00:00Z","data":{"id":"user_1","email":"a@example.com"}}""";
        var signed = await ProviderSigners.SignAsync(
            new ProviderSigners.Request("standard-webhooks", secret, body, Now, messageId),
            new ProviderSigners.Request("standard-webhooks", secret, body, Now - 301, messageId + "-stale"));

        var accepted = await SendAsync(provider, body, signed[0]);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var stored = await EventAsync(accepted.Body);
        Assert.Equal("user.created", stored["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal("2026-11-20T10:00:00Z", stored["event"]!["occurredAt"]!.GetValue<string>());
        Assert.Equal(messageId, stored["webhook"]!["externalEventId"]!.GetValue<string>());
        Assert.Equal("""{"id":"user_1","email":"a@example.com"}""", stored["event"]!["normalizedPayload"]!["data"]!.ToJsonString());

        AssertUnauthorized(await SendAsync(provider, body.Replace("user_1", "user_2", StringComparison.Ordinal), signed[0]), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, Tamper(signed[0], "webhook-signature")), $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, signed[1]), "The webhook-timestamp is too far in the past.");
    }

    [Fact]
    public async Task Standard_webhooks_needs_a_whsec_secret_and_keeps_the_previous_one_through_a_rotation()
    {
        var provider = NewProvider("std-rot");
        await ExpectValidationAsync(HttpMethod.Post, "/api/v1/integrations", "secret",
            new { provider, name = "No whsec", secret = "0123456789abcdef0123", callbackUrl = cluster.SinkUrl(provider), preset = "standard-webhooks" });

        var oldSecret = StandardSecret();
        var id = (await CreateAsync(new { provider, name = "Rotating", secret = oldSecret, callbackUrl = cluster.SinkUrl(provider), preset = "standard-webhooks" }))["id"]!.GetValue<string>();
        await ExpectValidationAsync(HttpMethod.Post, $"/api/v1/integrations/{id}/secret", "secret", new { secret = "0123456789abcdef0123" });
        var newSecret = StandardSecret();
        using (var rotated = await management.PostAsJsonAsync($"/api/v1/integrations/{id}/secret", new { secret = newSecret, graceSeconds = 3600 }))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        var body = """{"type":"invoice.paid","data":{"id":"inv_1"}}""";
        var signed = await ProviderSigners.SignAsync(
            new ProviderSigners.Request("standard-webhooks", newSecret, body, Now, $"msg_{Guid.NewGuid():N}"),
            new ProviderSigners.Request("standard-webhooks", oldSecret, body, Now, $"msg_{Guid.NewGuid():N}"),
            new ProviderSigners.Request("standard-webhooks", StandardSecret(), body, Now, $"msg_{Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(provider, body, signed[0])).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(provider, body, signed[1])).Status);
        AssertUnauthorized(await SendAsync(provider, body, signed[2]), $"Invalid {provider} webhook signature");
    }

    // ------------------------------------------------------------------ an integration of its own settings

    [Fact]
    public async Task An_integration_configured_without_a_preset_verifies_and_maps_as_its_settings_say()
    {
        var provider = NewProvider("custom");
        var secret = $"custom-{Guid.NewGuid():N}";
        var created = await CreateAsync(new
        {
            provider,
            name = "In-house billing",
            secret,
            callbackUrl = cluster.SinkUrl(provider),
            verification = new { scheme = "hmac-sha256-hex", header = "X-Billing-Signature", prefix = "sha256=" },
            fields = new
            {
                eventId = new { from = new { header = "X-Billing-Delivery" } },
                eventType = new { from = new[] { new { pointer = "/meta/kind" }, new { pointer = "/kind" } } },
                occurredAt = new { from = new { pointer = "/meta/at", format = "unix" } },
                subject = new { from = new { pointer = "/items/0/sku" } },
                payload = new { pointer = "/items", @as = "items" },
            },
        });
        Assert.Null(created["preset"]);
        Assert.Equal("""{"scheme":"hmac-sha256-hex","header":"X-Billing-Signature","prefix":"sha256="}""", created["verification"]!.ToJsonString());
        Assert.Equal("""{"from":[{"pointer":"/meta/at","format":"unix"}],"required":false}""", created["fields"]!["occurredAt"]!.ToJsonString());

        // A hex HMAC of the body after "sha256=" is exactly what GitHub's scheme sends: octokit signs it.
        var body = """{"kind":"invoice.issued","meta":{"at":1763634900},"items":{"0":{"sku":"sku-9"},"count":1}}""";
        var signed = (await ProviderSigners.SignAsync(new ProviderSigners.Request("github", secret, body)))[0];
        var headers = new Dictionary<string, string> { ["X-Billing-Signature"] = signed["X-Hub-Signature-256"] };

        var accepted = await SendAsync(provider, body, headers);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var stored = await EventAsync(accepted.Body);
        Assert.Equal("invoice.issued", stored["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal("2025-11-20T10:35:00Z", stored["event"]!["occurredAt"]!.GetValue<string>());
        Assert.Equal("sku-9", stored["event"]!["subject"]!.GetValue<string>());
        Assert.Equal("""{"0":{"sku":"sku-9"},"count":1}""", stored["event"]!["normalizedPayload"]!["items"]!.ToJsonString());
        // No id: the seed contract's payload-hash key, so the same content again is a duplicate.
        Assert.Null(stored["webhook"]!["externalEventId"]);
        Assert.StartsWith($"{provider}:payload:", stored["webhook"]!["idempotencyKey"]!.GetValue<string>());
        var again = await SendAsync(provider, body, headers);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(accepted.Body["data"]!["eventId"]!.GetValue<string>(), again.Body["data"]!["eventId"]!.GetValue<string>());

        AssertUnauthorized(await SendAsync(provider, body, new Dictionary<string, string> { ["X-Billing-Signature"] = signed["X-Hub-Signature-256"][7..] }),
            $"Invalid {provider} webhook signature");
        AssertUnauthorized(await SendAsync(provider, body, signed), "Missing X-Billing-Signature header");
    }

    // ------------------------------------------------------------------ read and change

    [Fact]
    public async Task Get_shows_the_scheme_and_mapping_never_the_secret_and_patch_changes_them()
    {
        var provider = NewProvider("patch");
        var secret = $"patch-{Guid.NewGuid():N}";
        var id = (await CreateAsync(new { provider, name = "Moving provider", secret, callbackUrl = cluster.SinkUrl(provider), preset = "github" }))["id"]!.GetValue<string>();
        var detail = await GetAsync($"/api/v1/integrations/{id}");
        Assert.Equal("github", detail["preset"]!.GetValue<string>());
        Assert.Equal("""{"scheme":"github","header":"X-Hub-Signature-256"}""", detail["verification"]!.ToJsonString());
        Assert.Equal("""{"from":[{"header":"X-GitHub-Event"}],"required":true}""", detail["fields"]!["eventType"]!.ToJsonString());

        var body = """{"id":1,"admin_graphql_api_id":"gid://shopify/Customer/1","email":"c@example.com"}""";
        var signed = await ProviderSigners.SignAsync(new ProviderSigners.Request("github", secret, body), new ProviderSigners.Request("shopify", secret, body));
        var asGitHub = new Dictionary<string, string>(signed[0]) { ["X-GitHub-Event"] = "ping", ["X-GitHub-Delivery"] = Guid.NewGuid().ToString() };
        var asShopify = new Dictionary<string, string>(signed[1]) { ["X-Shopify-Topic"] = "customers/create", ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString() };
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(provider, body, asGitHub)).Status);

        var patched = await PatchAsync(id, new { preset = "shopify", requestedBy = "ops-dana" });
        Assert.Equal("shopify", patched["preset"]!.GetValue<string>());
        // A new scheme verifies at once (a refused webhook makes Ingress read the integration again).
        var shopifyAnswer = await Webhooks.EventuallyAsync(() => SendAsync(provider, body, asShopify), answer => answer.Status == HttpStatusCode.Accepted, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Accepted, shopifyAnswer.Status);
        AssertUnauthorized(await SendAsync(provider, body, new Dictionary<string, string>(asGitHub) { ["X-GitHub-Delivery"] = Guid.NewGuid().ToString() }),
            "Missing X-Shopify-Hmac-Sha256 header");

        // One field changed: the rest stays, and the integration is no longer exactly the preset.
        var changed = await PatchAsync(id, new { fields = new { subject = new { from = new { pointer = "/email" } } } });
        Assert.Null(changed["preset"]);
        Assert.Equal("""{"from":[{"pointer":"/email"}],"required":false}""", changed["fields"]!["subject"]!.ToJsonString());
        Assert.Equal("""{"from":[{"header":"X-Shopify-Topic"}],"required":true}""", changed["fields"]!["eventType"]!.ToJsonString());
        var mapped = await Webhooks.EventuallyAsync(async () =>
        {
            var answer = await SendAsync(provider, body, new Dictionary<string, string>(asShopify) { ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString() });
            return (await EventAsync(answer.Body))["event"]!["subject"]?.GetValue<string>();
        }, subject => subject == "c@example.com", InboundSchemesCluster.IntegrationCacheDuration + TimeSpan.FromSeconds(4));
        Assert.Equal("c@example.com", mapped);

        // Standard Webhooks cannot verify with this secret; the PATCH says so and changes nothing.
        await ExpectValidationAsync(HttpMethod.Patch, $"/api/v1/integrations/{id}", "verification.scheme", new { preset = "standard-webhooks" });
        await ExpectValidationAsync(HttpMethod.Patch, $"/api/v1/integrations/{id}", "fields.eventType", new { fields = new { eventType = (object?)null } });
        Assert.Equal("shopify", (await GetAsync($"/api/v1/integrations/{id}"))["verification"]!["scheme"]!.GetValue<string>());

        var audit = await GetAsync($"/api/v1/audit-entries?entityType=integration&entityId={id}&action=integration.updated", data: false);
        var entries = audit["data"]!.AsArray();
        Assert.Equal(2, entries.Count);
        var schemeChange = entries.Single(entry => entry!["actor"]!.GetValue<string>() == "ops-dana")!["details"]!["changes"]!;
        Assert.Equal("github", schemeChange["verification"]!["from"]!["scheme"]!.GetValue<string>());
        Assert.Equal("shopify", schemeChange["verification"]!["to"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(schemeChange["fields"]);

        foreach (var answer in new[] { detail, patched, changed })
        {
            Assert.DoesNotContain(secret, answer.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_seeded_acme_and_globex_integrations_are_their_presets()
    {
        var list = await GetAsync("/api/v1/integrations", data: false);
        foreach (var (provider, scheme, header) in new[] { ("acme", "hmac-sha256-hex", "x-acme-signature"), ("globex", "token", "x-globex-token") })
        {
            var item = list["data"]!.AsArray().Single(entry => entry!["provider"]!.GetValue<string>() == provider)!;
            // The list is the seed contract's and shows no settings; the integration's own route does.
            Assert.Null(item["verification"]);
            var detail = await GetAsync($"/api/v1/integrations/{item["id"]!.GetValue<string>()}");
            Assert.Equal(provider, detail["preset"]!.GetValue<string>());
            Assert.Equal(scheme, detail["verification"]!["scheme"]!.GetValue<string>());
            Assert.Equal(header, detail["verification"]!["header"]!.GetValue<string>());
        }
    }

    public static TheoryData<string, string> InvalidSettings() => new()
    {
        { """{"preset":"paypal"}""", "preset" },
        { """{"verification":{"scheme":"md5"}}""", "verification.scheme" },
        { """{"verification":{"scheme":"hmac-sha256-hex"}}""", "verification.header" },
        { """{"verification":{"scheme":"token","header":"Connection"}}""", "verification.header" },
        { """{"verification":{"scheme":"standard-webhooks","header":"x-sig"}}""", "verification.header" },
        { """{"verification":{"scheme":"stripe","toleranceSeconds":0}}""", "verification.toleranceSeconds" },
        { """{"verification":{"scheme":"stripe","prefix":"v1="}}""", "verification.prefix" },
        { """{"verification":"github"}""", "verification" },
        { """{"preset":"github","fields":{"eventId":{"from":{"pointer":"id"}}}}""", "fields.eventId.from.pointer" },
        { """{"preset":"github","fields":{"eventId":{"from":{"pointer":"/id","header":"X-Id"}}}}""", "fields.eventId.from" },
        { """{"preset":"github","fields":{"eventId":{"from":[]}}}""", "fields.eventId.from" },
        { """{"preset":"github","fields":{"eventType":null}}""", "fields.eventType" },
        { """{"preset":"github","fields":{"eventType":{"from":{"pointer":"/t"},"required":false}}}""", "fields.eventType.required" },
        { """{"preset":"github","fields":{"subject":{"from":{"pointer":"/s","format":"unix"}}}}""", "fields.subject.from.format" },
        { """{"preset":"github","fields":{"occurredAt":{"from":{"pointer":"/t","format":"rfc822"}}}}""", "fields.occurredAt.from.format" },
        { """{"preset":"github","fields":{"occurredAt":{"from":{"header":"x-forwarded-host"}}}}""", "fields.occurredAt.from.header" },
        { """{"preset":"github","fields":{"payload":{"as":"provider"}}}""", "fields.payload.as" },
        { """{"preset":"github","fields":{"payload":{"pointer":"/a~2b"}}}""", "fields.payload.pointer" },
        { """{"preset":"github","fields":{"colour":{}}}""", "fields.colour" },
        { """{"fields":{"eventType":{"from":{"pointer":"/type"}}}}""", "verification" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Invalid_settings_answer_400_naming_the_field(string settings, string field)
    {
        var provider = NewProvider("bad");
        var body = JsonNode.Parse(settings)!.AsObject();
        body["provider"] = provider;
        body["name"] = "Bad settings";
        body["secret"] = "0123456789abcdef0123";
        body["callbackUrl"] = cluster.SinkUrl(provider);
        await ExpectValidationAsync(HttpMethod.Post, "/api/v1/integrations", field, rawBody: body.ToJsonString());
    }

    // ------------------------------------------------------------------ helpers

    private async Task<JsonNode> CreateAsync(object body)
    {
        using var response = await management.PostAsJsonAsync("/api/v1/integrations", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {text}\n{cluster.Logs()}");
        return JsonNode.Parse(text)!["data"]!;
    }

    private async Task<JsonNode> PatchAsync(string id, object body)
    {
        using var response = await management.PatchAsJsonAsync($"/api/v1/integrations/{id}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"patch answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["data"]!;
    }

    private async Task<JsonNode> GetAsync(string path, bool data = true)
    {
        using var response = await management.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        return data ? json["data"]! : json;
    }

    private async Task ExpectValidationAsync(HttpMethod method, string path, string field, object? body = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = rawBody is not null ? Webhooks.Json(rawBody) : JsonContent.Create(body) };
        using var response = await management.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        Assert.True(json["error"]!["details"]?[field] is not null, $"details do not name {field}: {text}");
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(string provider, string body, IReadOnlyDictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{provider}") { Content = Webhooks.Json(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await webhooks.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<JsonNode> EventAsync(JsonNode accepted)
    {
        Assert.True(accepted["success"]!.GetValue<bool>(), accepted.ToJsonString());
        return await GetAsync($"/api/v1/events/{accepted["data"]!["eventId"]!.GetValue<string>()}");
    }

    /// <summary>The headers with one character in the middle of one header's signature changed (still hex or base64).</summary>
    private static Dictionary<string, string> Tamper(IReadOnlyDictionary<string, string> headers, string name)
    {
        var value = headers[name];
        // The middle of every scheme's header is signature, never a prefix, a timestamp or base64's padding bits.
        var index = value.Length / 2;
        var flipped = value[index] == 'a' ? 'b' : 'a';
        return new Dictionary<string, string>(headers) { [name] = value[..index] + flipped + value[(index + 1)..] };
    }

    private static void AssertUnauthorized((HttpStatusCode Status, JsonNode Body) answer, string message)
    {
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"answered {(int)answer.Status}: {answer.Body.ToJsonString()}");
        Assert.False(answer.Body["success"]!.GetValue<bool>());
        Assert.Equal("UNAUTHORIZED", answer.Body["error"]!["code"]!.GetValue<string>());
        Assert.Equal(message, answer.Body["error"]!["message"]!.GetValue<string>());
    }

    private static void AssertValidation((HttpStatusCode Status, JsonNode Body) answer, string field, string problem)
    {
        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"answered {(int)answer.Status}: {answer.Body.ToJsonString()}");
        Assert.Equal("VALIDATION_ERROR", answer.Body["error"]!["code"]!.GetValue<string>());
        Assert.Equal(problem, answer.Body["error"]!["details"]![field]!.GetValue<string>());
    }
}
