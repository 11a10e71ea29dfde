using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// A fresh integration of the operator console's tests, verified by a token in <see cref="TokenHeader"/> (the scheme
/// whose header carries the integration's secret itself), so its events are the test's alone.
/// </summary>
internal sealed record ConsoleIntegration(Guid Id, string Provider, string Secret)
{
    public const string TokenHeader = "X-Console-Token";

    /// <summary>Creates it through the gateway, its default destination delivering to <paramref name="callbackUrl"/>.</summary>
    public static async Task<ConsoleIntegration> CreateAsync(HttpClient management, string callbackUrl)
    {
        var provider = $"console-{Guid.NewGuid():N}"[..24];
        var secret = $"console-secret-{Guid.NewGuid():N}";
        using var response = await management.PostAsJsonAsync("/api/v1/integrations", new
        {
            provider,
            name = "Console test",
            secret,
            callbackUrl,
            verification = new { scheme = "token", header = TokenHeader },
            fields = new
            {
                eventId = new { from = new { pointer = "/id" } },
                eventType = new { from = new { pointer = "/type" } },
                payload = new { pointer = "/data", @as = "data" },
            },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {text}");
        return new ConsoleIntegration(Guid.Parse(JsonNode.Parse(text)!["data"]!["id"]!.GetValue<string>()), provider, secret);
    }

    /// <summary>Adds a destination that gives up after two attempts 100 ms apart (for a sink set to fail).</summary>
    public async Task AddDestinationGivingUpAfterTwoAttemptsAsync(HttpClient management, string url)
    {
        using var created = await management.PostAsJsonAsync($"/api/v1/integrations/{Id}/destinations",
            new { url, retryPolicy = new { maxAttempts = 2, scheduleMs = new[] { 100 } } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    /// <summary>A webhook of this integration carrying its token, plus <paramref name="headers"/>.</summary>
    public HttpRequestMessage Webhook(string eventType, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = JsonSerializer.Serialize(new { id = $"evt_{Guid.NewGuid():N}", type = eventType, data = new { amount = 7 } });
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{Provider}") { Content = Webhooks.Json(body) };
        request.Headers.Add(TokenHeader, Secret);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}
