using System.Net;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// <c>POST /integrations/{id}/secret</c>: the new secret verifies at once, the replaced one until the grace window
/// ends and never after, for both providers; the rotation is audited without either secret.
/// </summary>
[Collection(IntegrationManagementCollection.Name)]
public sealed class IntegrationManagementSecretRotationTests(IntegrationManagementCluster cluster) : IDisposable
{
    private readonly IntegrationManagementClient api = new(cluster);

    public void Dispose() => api.Dispose();

    [Theory]
    [InlineData("acme")]
    [InlineData("globex")]
    public async Task Both_secrets_verify_within_the_grace_window_and_only_the_new_one_after_it(string provider)
    {
        var oldSecret = IntegrationManagementClient.NewSecret($"{provider}-old");
        var newSecret = IntegrationManagementClient.NewSecret($"{provider}-new");
        var id = (await api.CreateFreshAsync(provider, oldSecret))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync(provider, oldSecret, HttpStatusCode.Accepted)).Status);

        const int graceSeconds = 4;
        var rotated = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/secret",
            new { secret = newSecret, graceSeconds, requestedBy = "ops-dave" }))["data"]!;
        var rotatedAt = DateTimeOffset.Parse(rotated["inboundSecret"]!["rotatedAt"]!.GetValue<string>());
        var previousValidUntil = DateTimeOffset.Parse(rotated["inboundSecret"]!["previousValidUntil"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(graceSeconds), previousValidUntil - rotatedAt);

        // The new secret verifies at once (a failed check re-reads the cached integration, at most once a second) ...
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync(provider, newSecret, HttpStatusCode.Accepted, TimeSpan.FromSeconds(1.5))).Status);
        // ... and the old one still does, with an answer that does not tell which one matched.
        var withOld = await api.SendWebhookAsync(provider, oldSecret);
        // Answered before the window ended, so it was checked within it.
        Assert.True(DateTimeOffset.UtcNow < previousValidUntil, "the machine was too slow to check within the grace window");
        Assert.Equal((HttpStatusCode.Accepted, null, null), withOld);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendWebhookAsync(provider, "neither-secret-0123456789")).Status);

        // After the window only the new one verifies, whatever Ingress has cached.
        var untilEnd = previousValidUntil - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.Delay(untilEnd);
        }
        var (status, code, message) = await api.SendWebhookAsync(provider, oldSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHORIZED", code);
        Assert.Equal(provider == "acme" ? "Invalid acme webhook signature" : "Invalid globex token", message);
        Assert.Equal(HttpStatusCode.Accepted, (await api.SendWebhookAsync(provider, newSecret)).Status);

        var detail = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/integrations/{id}"))["data"]!;
        Assert.Equal(rotated["inboundSecret"]!.ToJsonString(), detail["inboundSecret"]!.ToJsonString());

        var audit = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/audit-entries?entityType=integration&entityId={id}&action=integration.secret_rotated"))["data"]!.AsArray();
        var entry = Assert.Single(audit)!;
        Assert.Equal("ops-dave", entry["actor"]!.GetValue<string>());
        Assert.Equal(graceSeconds, entry["details"]!["graceSeconds"]!.GetValue<int>());
        Assert.Equal(previousValidUntil, DateTimeOffset.Parse(entry["details"]!["previousValidUntil"]!.GetValue<string>()));

        api.AssertNoAnswerHeld(oldSecret, newSecret);
    }

    [Fact]
    public async Task Without_a_grace_window_the_old_secret_stops_at_once_and_a_second_rotation_keeps_only_the_latest_previous()
    {
        var first = IntegrationManagementClient.NewSecret("acme-first");
        var second = IntegrationManagementClient.NewSecret("acme-second");
        var third = IntegrationManagementClient.NewSecret("acme-third");
        var id = (await api.CreateFreshAsync("acme", first))["id"]!.GetValue<string>();

        var rotated = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/secret", new { secret = second, graceSeconds = 0 }))["data"]!;
        Assert.Equal(rotated["inboundSecret"]!["rotatedAt"]!.GetValue<string>(), rotated["inboundSecret"]!["previousValidUntil"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("acme", second, HttpStatusCode.Accepted)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendWebhookAsync("acme", first)).Status);

        // A day's grace by default; the secret replaced before is not brought back.
        var again = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/integrations/{id}/secret", new { secret = third }))["data"]!;
        var window = DateTimeOffset.Parse(again["inboundSecret"]!["previousValidUntil"]!.GetValue<string>()) - DateTimeOffset.Parse(again["inboundSecret"]!["rotatedAt"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromDays(1), window);
        Assert.Equal(HttpStatusCode.Accepted, (await api.WebhookEventuallyAsync("acme", third, HttpStatusCode.Accepted)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await api.SendWebhookAsync("acme", second)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendWebhookAsync("acme", first)).Status);

        var actor = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/audit-entries?entityId={id}&action=integration.secret_rotated"))["data"]!
            .AsArray().Select(entry => entry!["actor"]!.GetValue<string>());
        Assert.Equal(["management-api", "management-api"], actor);
        api.AssertNoAnswerHeld(first, second, third);
    }

    [Fact]
    public async Task Bad_rotations_answer_400_naming_the_field_and_unknown_integrations_404()
    {
        var live = await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/integrations");
        var id = live["data"]![0]!["id"]!.GetValue<string>();
        var path = $"/api/v1/integrations/{id}/secret";

        await api.ExpectValidationErrorAsync("secret", HttpMethod.Post, path, new { secret = "short" });
        await api.ExpectValidationErrorAsync("secret", HttpMethod.Post, path, new { graceSeconds = 60 });
        await api.ExpectValidationErrorAsync("graceSeconds", HttpMethod.Post, path, new { secret = "0123456789abcdef", graceSeconds = 604_801 });
        await api.ExpectValidationErrorAsync("graceSeconds", HttpMethod.Post, path, new { secret = "0123456789abcdef", graceSeconds = -1 });
        await api.ExpectValidationErrorAsync("previousSecret", HttpMethod.Post, path, new { secret = "0123456789abcdef", previousSecret = "0123456789abcdef" });
        await api.ExpectValidationErrorAsync("body", HttpMethod.Post, path, rawBody: "\"0123456789abcdef\"");
        await api.ExpectValidationErrorAsync("id", HttpMethod.Post, "/api/v1/integrations/nope/secret", new { secret = "0123456789abcdef" });
        await api.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/v1/integrations/{Guid.NewGuid()}/secret", new { secret = "0123456789abcdef" });

        var unchanged = (await api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/integrations/{id}"))["data"]!;
        Assert.Equal(live["data"]![0]!["updatedAt"]!.GetValue<string>(), unchanged["updatedAt"]!.GetValue<string>());
    }
}
