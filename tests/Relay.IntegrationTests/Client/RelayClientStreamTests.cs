using System.Diagnostics;
using Relay.Client;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Client;

/// <summary>The typed event stream against the real live tail through the gateway: receiving, resuming, cancelling, the per-key limit.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RelayClientStreamTests(RelayCluster cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_stream_receives_a_webhook_sent_after_it_opened_and_resumes_after_a_given_id()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        using var timeout = new CancellationTokenSource(Patience);
        var filter = new EventStreamQuery { Provider = scenario.Provider };

        // The stream opens on the first MoveNextAsync; webhooks go out until one comes back, so at least one is sent after it opened.
        var sent = new List<Guid>();
        StreamedEvent first;
        await using (var stream = scenario.Relay.Events.StreamAsync(filter, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token))
        {
            var next = stream.MoveNextAsync().AsTask();
            while (await Task.WhenAny(next, Task.Delay(500, timeout.Token)) != next)
            {
                sent.Add(await scenario.SendWebhookAsync("client.stream"));
            }
            Assert.True(await next);
            first = stream.Current;
        }

        Assert.Equal("event.accepted", first.EventName);
        Assert.Contains(first.Data.Id, sent);
        Assert.Equal(scenario.Provider, first.Data.Provider);
        Assert.Equal("client.stream", first.Data.EventType);
        Assert.False(string.IsNullOrEmpty(first.Id));

        // A new stream after the first message's id: what followed it, not the message itself.
        var later = await scenario.SendWebhookAsync("client.stream.later");
        var resumed = new List<Guid>();
        await foreach (var message in scenario.Relay.Events.StreamAsync(filter, lastEventId: first.Id, cancellationToken: timeout.Token))
        {
            resumed.Add(message.Data.Id);
            if (message.Data.Id == later)
            {
                break;
            }
        }
        Assert.DoesNotContain(first.Data.Id, resumed);
        Assert.Equal(sent.SkipWhile(id => id != first.Data.Id).Skip(1).Append(later), resumed);
    }

    [Fact]
    public async Task Cancelling_stops_a_quiet_stream_promptly()
    {
        using var relay = ClientScenario.AdminClient(cluster);
        using var cancellation = new CancellationTokenSource();
        var quiet = new EventStreamQuery { Provider = $"client-quiet-{Guid.NewGuid():N}"[..30] };
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in relay.Events.StreamAsync(quiet, cancellationToken: cancellation.Token))
            {
            }
        });
        await Task.Delay(1000);
        Assert.False(reading.IsCompleted, reading.Exception?.ToString());

        var clock = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_key_over_its_stream_limit_gets_the_typed_rate_limit_error()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        await scenario.SendWebhookAsync("client.limit");
        using var admin = ClientScenario.AdminClient(cluster);
        var key = await admin.ApiKeys.CreateAsync(new CreateApiKeyRequest($"client streams {Guid.NewGuid():N}", ["read"]));
        using var reader = ClientScenario.ClientWith(cluster, key.Key);
        using var timeout = new CancellationTokenSource(Patience);
        // From an hour ago, each stream sends the scenario's event at once: when MoveNextAsync answers, the stream is open.
        var past = new EventStreamQuery { Provider = scenario.Provider, Since = DateTimeOffset.UtcNow.AddHours(-1) };
        var open = new List<IAsyncEnumerator<StreamedEvent>>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var stream = reader.Events.StreamAsync(past, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
                open.Add(stream);
                Assert.True(await stream.MoveNextAsync());
            }

            var refused = await Assert.ThrowsAsync<RelayRateLimitedException>(async () =>
            {
                await foreach (var _ in reader.Events.StreamAsync(past, cancellationToken: timeout.Token))
                {
                }
            });

            Assert.Equal("RATE_LIMITED", refused.Code);
            Assert.Equal(5, refused.Details!.Value.GetProperty("maxStreamsPerKey").GetInt32());
            // The wait hint: a slot a vanished client holds is freed at its stream's next heartbeat (15 s).
            Assert.Equal(TimeSpan.FromSeconds(15), refused.RetryAfter);
            Assert.False(string.IsNullOrEmpty(refused.RequestId));
        }
        finally
        {
            foreach (var stream in open)
            {
                await stream.DisposeAsync();
            }
            await admin.ApiKeys.RevokeAsync(key.Id, "client-tests");
        }
    }
}
