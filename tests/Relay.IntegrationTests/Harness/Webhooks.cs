using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.IntegrationTests.Harness;

/// <summary>Builds provider webhooks the way acme and globex send them.</summary>
public static class Webhooks
{
    public static string AcmeBody(string? eventId = null, string eventType = "invoice.paid", object? data = null, string? subject = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["eventId"] = eventId ?? $"evt_{Guid.NewGuid():N}",
            ["eventType"] = eventType,
            ["occurredAt"] = "2026-11-20T10:15:00Z",
            ["subject"] = subject,
            ["data"] = data ?? new { id = "inv_123", amount = 4200 },
        }.Where(pair => pair.Value is not null).ToDictionary());

    public static string GlobexBody(string? id = null, string type = "order.created", object? resource = null) =>
        JsonSerializer.Serialize(new
        {
            id = id ?? $"gbx_{Guid.NewGuid():N}",
            type,
            timestamp = "2026-11-20T11:00:00+01:00",
            resource = resource ?? new { id = "ord_9", total = 10 },
        });

    public static string Sign(string body, string secret = RelayCluster.AcmeSecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static HttpRequestMessage Acme(string body, string? signature = null, string provider = "acme")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{provider}") { Content = Json(body) };
        request.Headers.Add("x-acme-signature", signature ?? Sign(body));
        return request;
    }

    public static HttpRequestMessage Globex(string body, string token = RelayCluster.GlobexSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/globex") { Content = Json(body) };
        request.Headers.Add("x-globex-token", token);
        return request;
    }

    public static StringContent Json(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty JSON body");

    /// <summary>Polls until the condition holds or the timeout passes; returns the last value for the assertion.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (condition(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(100);
        }
    }
}
