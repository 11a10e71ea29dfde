using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Lifecycle;

namespace Relay.IntegrationTests.Tracing;

/// <summary>
/// One trace per webhook and per replay, end to end: the trace a caller starts (its <c>traceparent</c>) reaches the
/// destination's delivery through the gateway, Ingress.Api, the outbox, RabbitMQ and Delivery.Worker (for a replay:
/// Management.Api, the outbox, Replay.Worker, the outbox again and Delivery.Worker).
/// </summary>
public sealed class TracePropagationTests(ServiceDiscoveryCluster cluster) : IClassFixture<ServiceDiscoveryCluster>, IAsyncLifetime
{
    private readonly LifecycleProbe probe = new(cluster);
    private CountingSink? sink;

    private CountingSink Sink => sink ?? throw new InvalidOperationException("Sink not started.");

    public async Task InitializeAsync()
    {
        sink = await CountingSink.StartAsync();
        await probe.SetCallbackUrlAsync("acme", sink.Url);
    }

    public async Task DisposeAsync()
    {
        await probe.DisposeAsync();
        if (sink is not null)
        {
            await sink.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_webhook_is_delivered_in_the_trace_its_sender_started()
    {
        var (traceId, callerSpanId, traceParent) = NewTraceParent();
        using var client = cluster.CreateClient();
        using var request = Webhooks.Acme(Webhooks.AcmeBody());
        request.Headers.Add("traceparent", traceParent);

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = (await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>();

        var delivery = await WaitForDeliveryAsync(eventId, 1);
        var (deliveredTraceId, deliveredParentId) = ParseTraceParent(delivery);
        Assert.Equal(traceId, deliveredTraceId);
        // The delivery's parent is the span of Delivery.Worker's HTTP call, not the caller's.
        Assert.NotEqual(callerSpanId, deliveredParentId);
    }

    [Fact]
    public async Task A_replay_is_delivered_in_the_trace_of_the_replay_request()
    {
        var accepted = await probe.IngestAcmeAsync();
        var (webhookTraceId, _) = ParseTraceParent(await WaitForDeliveryAsync(accepted.EventId.ToString(), 1));
        await probe.WaitForStatusAsync(accepted.EventId, "processed");

        var (traceId, _, traceParent) = NewTraceParent();
        using var client = cluster.CreateClient(withManagementKey: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{accepted.EventId}/replay")
        {
            Content = Webhooks.Json(JsonSerializer.Serialize(new { requestedBy = "trace-test", reason = "trace the replay" })),
        };
        request.Headers.Add("traceparent", traceParent);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

        var (replayTraceId, _) = ParseTraceParent(await WaitForDeliveryAsync(accepted.EventId.ToString(), 2));
        Assert.Equal(traceId, replayTraceId);
        Assert.NotEqual(webhookTraceId, replayTraceId);
    }

    private static (string TraceId, string SpanId, string TraceParent) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        return (traceId, spanId, $"00-{traceId}-{spanId}-01");
    }

    /// <summary>The trace id and parent span id of the <c>traceparent</c> a delivery carried.</summary>
    private static (string TraceId, string ParentId) ParseTraceParent(ReceivedDelivery delivery)
    {
        Assert.True(delivery.Headers.TryGetValue("traceparent", out var traceParent), $"The delivery carried no traceparent: {JsonSerializer.Serialize(delivery.Headers)}");
        Assert.True(ActivityContext.TryParse(traceParent, null, out var context), $"Malformed traceparent '{traceParent}'");
        return (context.TraceId.ToHexString(), context.SpanId.ToHexString());
    }

    /// <summary>The <paramref name="arrival"/>-th delivery of the event at the sink (1 for the first).</summary>
    private async Task<ReceivedDelivery> WaitForDeliveryAsync(string eventId, int arrival)
    {
        var arrived = await Webhooks.EventuallyAsync(() => Task.FromResult(Sink.ArrivalsOf(eventId)), count => count >= arrival, LifecycleProbe.Patience);
        Assert.True(arrived >= arrival, $"Event {eventId} arrived {arrived} times, expected {arrival}.\n{cluster.Logs()}");
        return Sink.Received.Where(delivery => delivery.Headers.GetValueOrDefault("x-event-id") == eventId).ElementAt(arrival - 1);
    }
}
