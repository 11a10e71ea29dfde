using System.Net;
using System.Text;
using Relay.Client;

namespace Relay.UnitTests.Client;

public sealed class EventStreamTests
{
    private static readonly RelayClientOptions Options = new("key") { StreamReconnectDelay = TimeSpan.FromMilliseconds(1), MaxStreamReconnectAttempts = 2 };

    [Fact]
    public async Task Yields_events_skips_heartbeats_and_resumes_a_dropped_stream_with_the_last_id()
    {
        var handler = new ScriptedHandler(
            _ => ScriptedHandler.EventStream("retry: 5\nid: p0\n\n: heartbeat\n\n" + Message("p1", "e1") + ": heartbeat\nid: p1b\n\n"),
            _ => ScriptedHandler.EventStream("retry: 5\nid: p1b\n\n" + Message("p2", "e2") + "id: p3\ndata: {\"cut"),
            _ => ScriptedHandler.EventStream(Message("p4", "e4")));
        using var relay = new RelayClient(handler.Client(), Options);

        var received = new List<StreamedEvent>();
        await foreach (var message in relay.Events.StreamAsync(since: new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)))
        {
            received.Add(message);
            if (received.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["p1", "p2", "p4"], received.Select(message => message.Id));
        Assert.Equal(["e1", "e2", "e4"], received.Select(message => message.Data.EventType));
        Assert.All(received, message => Assert.Equal("event.accepted", message.EventName));
        // The first request starts at `since`; each reconnection resumes after the last id the stream sent, heartbeats' included.
        Assert.Equal("/api/v1/events/stream?since=2026-11-20T00%3A00%3A00Z", handler.Requests[0].RequestUri!.PathAndQuery);
        Assert.False(handler.Requests[0].Headers.Contains("Last-Event-ID"));
        Assert.Equal("/api/v1/events/stream", handler.Requests[1].RequestUri!.PathAndQuery);
        Assert.Equal(["p1b"], handler.Requests[1].Headers.GetValues("Last-Event-ID"));
        Assert.Equal(["p2"], handler.Requests[2].Headers.GetValues("Last-Event-ID"));
    }

    [Fact]
    public async Task A_refused_first_request_is_thrown_as_it_is()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(
            """{"success":false,"error":{"code":"RATE_LIMITED","message":"This key already has 5 event streams open"}}""", HttpStatusCode.TooManyRequests, "req-9"));
        using var relay = new RelayClient(handler.Client(), Options);

        var error = await Assert.ThrowsAsync<RelayRateLimitedException>(async () =>
        {
            await foreach (var _ in relay.Events.StreamAsync(lastEventId: "p7"))
            {
            }
        });

        Assert.Equal("req-9", error.RequestId);
        Assert.Equal(["p7"], handler.Requests[0].Headers.GetValues("Last-Event-ID"));
    }

    [Fact]
    public async Task Reconnecting_gives_up_after_the_configured_attempts_and_honours_retry_after()
    {
        var unavailable = () =>
        {
            var response = ScriptedHandler.Json("""{"success":false,"error":{"code":"OVERLOADED","message":"busy"}}""", HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return response;
        };
        var handler = new ScriptedHandler(
            _ => ScriptedHandler.EventStream("id: p0\n\n" + Message("p1", "e1")),
            _ => unavailable(),
            _ => unavailable());
        using var relay = new RelayClient(handler.Client(), Options);

        var received = new List<string>();
        var error = await Assert.ThrowsAsync<RelayServiceUnavailableException>(async () =>
        {
            await foreach (var message in relay.Events.StreamAsync())
            {
                received.Add(message.Id);
            }
        });

        Assert.Equal(["p1"], received);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal("OVERLOADED", error.Code);
    }

    [Fact]
    public async Task Cancelling_ends_a_quiet_stream()
    {
        var quiet = new BlockingStream(Encoding.UTF8.GetBytes("retry: 1000\nid: p0\n\n"));
        var handler = new ScriptedHandler(_ => ScriptedHandler.EventStream(quiet));
        using var relay = new RelayClient(handler.Client(), Options);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in relay.Events.StreamAsync(cancellationToken: cancellation.Token))
            {
            }
        });
        Assert.Single(handler.Requests);
    }

    private static string Message(string id, string eventType) =>
        $"id: {id}\nevent: event.accepted\ndata: " + System.Text.Json.JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid(), webhookEventId = Guid.NewGuid(), integrationId = Guid.NewGuid(), provider = "acme", eventType, subject = (string?)null,
            occurredAt = DateTimeOffset.UnixEpoch, normalizedPayload = new { id = 1 }, status = "received", processingAttempts = 0, lastError = (string?)null,
            lastProcessedAt = (DateTimeOffset?)null, createdAt = DateTimeOffset.UnixEpoch, updatedAt = DateTimeOffset.UnixEpoch, receivedAt = DateTimeOffset.UnixEpoch,
        }) + "\n\n";

    /// <summary>A response body that gives its bytes, then waits for more that never come, as a quiet live stream does.</summary>
    private sealed class BlockingStream(byte[] start) : MemoryStream(start)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
