using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// Calls the management routes through the gateway and keeps every answer's body, so a test can assert at the end
/// that no answer ever held a secret.
/// </summary>
internal sealed class IntegrationManagementClient(IntegrationManagementCluster cluster) : IDisposable
{
    private readonly HttpClient management = cluster.CreateClient(withManagementKey: true);
    private readonly HttpClient webhooks = cluster.CreateClient();
    private readonly List<string> answers = [];

    public IReadOnlyList<string> Answers => answers;

    public void Dispose()
    {
        management.Dispose();
        webhooks.Dispose();
    }

    public static string NewSecret(string label) => $"{label}-{Guid.NewGuid():N}";

    /// <summary>No answer so far held any of <paramref name="secrets"/>, or any ciphertext.</summary>
    public void AssertNoAnswerHeld(params string[] secrets)
    {
        Assert.NotEmpty(answers);
        foreach (var answer in answers)
        {
            Assert.DoesNotContain("v1:", answer, StringComparison.Ordinal);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, answer, StringComparison.Ordinal);
            }
        }
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? body = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (rawBody is not null)
        {
            request.Content = Webhooks.Json(rawBody);
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        var response = await management.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        answers.Add(text);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public async Task<JsonNode> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, object? body = null, string? rawBody = null)
    {
        var (status, json, response) = await SendAsync(method, path, body, rawBody);
        using var _ = response;
        Assert.True(status == expected, $"{method} {path} answered {(int)status}, expected {(int)expected}: {json?.ToJsonString()}\n{cluster.Logs()}");
        return json ?? new JsonObject();
    }

    /// <summary>Asserts a 400 <c>VALIDATION_ERROR</c> whose details name <paramref name="field"/>.</summary>
    public async Task ExpectValidationErrorAsync(string field, HttpMethod method, string path, object? body = null, string? rawBody = null)
    {
        var json = await ExpectAsync(HttpStatusCode.BadRequest, method, path, body, rawBody);
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        Assert.True(json["error"]!["details"]?[field] is not null, $"details do not name {field}: {json.ToJsonString()}");
    }

    /// <summary>Deletes the provider's live integration, if any, and creates a new one; returns the 201's data.</summary>
    public async Task<JsonNode> CreateFreshAsync(string provider, string secret, string? name = null)
    {
        var live = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/integrations?provider={provider}");
        foreach (var integration in live["data"]!.AsArray())
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/api/v1/integrations/{integration!["id"]!.GetValue<string>()}");
        }
        var (status, created, response) = await SendAsync(HttpMethod.Post, "/api/v1/integrations",
            new { provider, name = name ?? $"{provider} under test", secret, callbackUrl = cluster.SinkUrl(provider) });
        using (response)
        {
            Assert.True(status == HttpStatusCode.Created, $"create answered {(int)status}: {created?.ToJsonString()}\n{cluster.Logs()}");
            var data = created!["data"]!;
            Assert.Equal($"/api/v1/integrations/{data["id"]!.GetValue<string>()}", response.Headers.Location?.OriginalString);
            return data;
        }
    }

    /// <summary>Sends a valid webhook for the provider, authenticated with <paramref name="secret"/>; returns the status and error message.</summary>
    public async Task<(HttpStatusCode Status, string? Code, string? Message)> SendWebhookAsync(string provider, string secret)
    {
        var acmeBody = Webhooks.AcmeBody();
        using var request = provider == "acme" ? Webhooks.Acme(acmeBody, Webhooks.Sign(acmeBody, secret)) : Webhooks.Globex(Webhooks.GlobexBody(), secret);
        using var response = await webhooks.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json?["error"]?["code"]?.GetValue<string>(), json?["error"]?["message"]?.GetValue<string>());
    }

    /// <summary>Sends webhooks until one answers <paramref name="expected"/> (Ingress may hold a cached copy for a moment).</summary>
    public async Task<(HttpStatusCode Status, string? Code, string? Message)> WebhookEventuallyAsync(string provider, string secret, HttpStatusCode expected, TimeSpan? timeout = null) =>
        await Webhooks.EventuallyAsync(() => SendWebhookAsync(provider, secret), answer => answer.Status == expected,
            timeout ?? IntegrationManagementCluster.IntegrationCacheDuration + TimeSpan.FromSeconds(4));
}
