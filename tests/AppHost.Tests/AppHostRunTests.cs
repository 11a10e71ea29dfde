using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Relay.AppHost.Tests;

/// <summary>
/// Starts the real AppHost without containers (PostgreSQL, Redis and RabbitMQ from the operating system's packages),
/// waits until every resource is healthy, and sends a signed webhook through the gateway until it is delivered.
/// </summary>
[Trait("Category", "AppHost")]
public sealed class AppHostRunTests
{
    private const string ManagementKey = "apphost-run-test-management-key";

    // The development seed gives acme this secret and a callback to the gateway's delivery sink.
    private const string AcmeSecret = "acme-demo-secret";

    private static readonly string[] Resources =
        ["postgres", "redis", "rabbitmq", "ingress-api", "management-api", "delivery-worker", "replay-worker", "gateway"];

    [Fact]
    public async Task Every_resource_becomes_healthy_and_a_signed_webhook_is_delivered()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            // Fixed ports, as a user runs it: the development seed delivers to the gateway on 127.0.0.1:8080.
            ["--Relay:Infrastructure=local", $"--Parameters:management-api-key={ManagementKey}", "--DcpPublisher:RandomizePorts=false"],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var app = await builder.BuildAsync(timeout.Token);
        var states = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var gatewayUrls = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        _ = Task.Run(async () =>
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(timeout.Token))
            {
                states[update.ResourceId] = $"{update.Resource.Name}: {update.Snapshot.State?.Text} health={update.Snapshot.HealthStatus} exit={update.Snapshot.ExitCode}";
                if (update.Resource.Name == "gateway")
                {
                    foreach (var url in update.Snapshot.Urls)
                    {
                        gatewayUrls[url.Url] = url.DisplayProperties.DisplayName;
                    }
                }
            }
        }, timeout.Token);
        await app.StartAsync(timeout.Token);

        try
        {
            // A replicated service is healthy when every replica is (the notification service tracks them one by one).
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
            foreach (var resource in Resources)
            {
                await WaitUntilEveryInstanceIsHealthyAsync(app, resource, timeout.Token);
            }
        }
        catch (OperationCanceledException exception)
        {
            Assert.Fail($"Not every resource became healthy: {exception.Message}\n{string.Join("\n", states.Values.Order(StringComparer.Ordinal))}");
        }

        using var gateway = app.CreateHttpClient("gateway", "http");
        var eventId = $"evt_apphost_{Guid.NewGuid():N}";
        var body = $$$"""{"eventId":"{{{eventId}}}","eventType":"invoice.paid","occurredAt":"2026-11-30T10:00:00Z","data":{"id":"inv_1"}}""";
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = new StringContent(body, Encoding.UTF8) };
        webhook.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        webhook.Headers.Add("x-acme-signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AcmeSecret), Encoding.UTF8.GetBytes(body))));
        using var accepted = await gateway.SendAsync(webhook, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var relayEventId = JsonNode.Parse(await accepted.Content.ReadAsStringAsync(timeout.Token))!["data"]!["eventId"]!.GetValue<string>();

        string? status = null;
        while (status != "processed" && !timeout.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events/{relayEventId}/status");
            request.Headers.Add("x-internal-api-key", ManagementKey);
            using var response = await gateway.SendAsync(request, timeout.Token);
            status = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token))?["data"]?["status"]?.GetValue<string>();
            if (status != "processed")
            {
                await Task.Delay(250, timeout.Token);
            }
        }
        Assert.Equal("processed", status);

        // The dashboard links to the operator console beside the gateway's address, and the gateway serves it.
        var console = Assert.Single(gatewayUrls, url => url.Value == "Operator console").Key;
        using var consolePage = await gateway.GetAsync(new Uri(console).PathAndQuery, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, consolePage.StatusCode);
        Assert.Contains("Relay console", await consolePage.Content.ReadAsStringAsync(timeout.Token));
    }

    private static async Task WaitUntilEveryInstanceIsHealthyAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var resource = Assert.Single(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == name);
        var expected = resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != name)
            {
                continue;
            }
            if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                healthy.Add(update.ResourceId);
            }
            else
            {
                healthy.Remove(update.ResourceId);
            }
            if (healthy.Count >= expected)
            {
                return;
            }
        }
    }
}
