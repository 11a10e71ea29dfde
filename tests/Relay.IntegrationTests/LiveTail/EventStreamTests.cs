using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Management;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.LiveTail;

/// <summary><c>GET /api/v1/events/stream</c> through the gateway: filters, gap-free resume, heartbeats, the per-key limit.</summary>
[Collection(LiveTailCollection.Name)]
public sealed class EventStreamTests(LiveTailCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string[] EventFields =
    [
        "createdAt", "eventType", "id", "integrationId", "lastError", "lastProcessedAt", "normalizedPayload", "occurredAt",
        "processingAttempts", "provider", "receivedAt", "status", "subject", "updatedAt", "webhookEventId",
    ];

    private readonly HttpClient anonymous = cluster.CreateClient();
    private readonly HttpClient client = cluster.CreateClient(withManagementKey: true);

    [Fact]
    public async Task A_stream_sends_the_webhooks_accepted_after_it_connected_that_match_its_filters()
    {
        var eventType = ManagementData.Unique("stream.filter");
        var before = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        using var streams = cluster.CreateStreamClient();
        await using var stream = await SseStream.OpenAsync(streams, $"/api/v1/events/stream?eventType={eventType}&provider=acme");
        var start = await stream.NextAsync(Patience);
        Assert.NotNull(start?.Id);
        Assert.Equal("1000", start!.Retry);
        Assert.Null(start.Data);

        var first = await ManagementData.IngestAcmeAsync(anonymous, eventType, subject: "stream-subject");
        await ManagementData.IngestAcmeAsync(anonymous, eventType + ".other");
        await ManagementData.IngestGlobexAsync(anonymous, eventType);
        var second = await ManagementData.IngestAcmeAsync(anonymous, eventType);

        var one = await stream.NextEventAsync(Patience);
        var two = await stream.NextEventAsync(Patience);
        Assert.Equal("event.accepted", one.Event);
        Assert.NotEqual(one.Id, two.Id);
        var item = JsonNode.Parse(one.Data!)!;
        Assert.Equal(first.ToString(), item["id"]!.GetValue<string>());
        Assert.Equal(second.ToString(), JsonNode.Parse(two.Data!)!["id"]!.GetValue<string>());
        // The same item as the events list answers.
        Assert.Equal(EventFields, item.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventType, item["eventType"]!.GetValue<string>());
        Assert.Equal("stream-subject", item["subject"]!.GetValue<string>());
        Assert.Equal("acme", item["normalizedPayload"]!["provider"]!.GetValue<string>());
        Assert.NotEqual(before.ToString(), item["id"]!.GetValue<string>());
        Assert.Equal(two.Id, stream.LastEventId);
    }

    /// <summary>
    /// since= starts a stream in the past: it first catches up on a backlog larger than a read's batch (from several
    /// concurrent senders, so many transactions), in stream order, then goes on live.
    /// </summary>
    [Fact]
    public async Task A_stream_with_since_catches_up_on_the_events_received_since_then_and_goes_on()
    {
        var eventType = ManagementData.Unique("stream.since");
        var since = DateTime.UtcNow.AddMinutes(-1);
        var earlier = new ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var webhooks = cluster.CreateClient();
            for (var i = 0; i < 40; i++)
            {
                earlier.Add(await ManagementData.IngestAcmeAsync(webhooks, eventType));
            }
        })));
        using var streams = cluster.CreateStreamClient();
        await using var stream = await SseStream.OpenAsync(streams, $"/api/v1/events/stream?eventType={eventType}&since={ManagementData.Utc(since)}");

        var received = new List<Guid>();
        for (var i = 0; i < earlier.Count; i++)
        {
            received.Add(EventId(await stream.NextEventAsync(Patience)));
        }
        var later = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        received.Add(EventId(await stream.NextEventAsync(Patience)));

        Assert.Equal(later, received[^1]);
        Assert.Equal(earlier.Order(), received[..^1].Order());
        Assert.Equal(await StreamOrderAsync(received), received);
    }

    /// <summary>
    /// The hard part: webhooks committed by concurrent group-commit transactions, in any order, while the client drops
    /// the stream now and then and comes back with the id it last saw (the header, or the parameter). In the end it has
    /// every matching event exactly once, in stream order, and nothing else.
    /// </summary>
    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_while_webhooks_keep_arriving_misses_and_repeats_nothing()
    {
        const int Senders = 8;
        const int PerSender = 40;
        var eventType = ManagementData.Unique("stream.resume");
        var path = $"/api/v1/events/stream?eventType={eventType}";
        using var streams = cluster.CreateStreamClient();
        var stream = await SseStream.OpenAsync(streams, path);
        Assert.NotNull((await stream.NextAsync(Patience))?.Id);

        var accepted = new ConcurrentBag<Guid>();
        var others = new ConcurrentBag<Guid>();
        var sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            using var webhooks = cluster.CreateClient();
            for (var i = 0; i < PerSender; i++)
            {
                // Every fifth webhook of one sender is of another type: the stream must leave those out.
                if (sender == 0 && i % 5 == 0)
                {
                    others.Add(await ManagementData.IngestAcmeAsync(webhooks, eventType + ".not-streamed"));
                }
                accepted.Add(await ManagementData.IngestAcmeAsync(webhooks, eventType));
            }
        })));

        var received = new List<Guid>();
        var random = new Random(14);
        var reconnects = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        try
        {
            while (!(sending.IsCompleted && received.Count >= accepted.Count) && DateTime.UtcNow < deadline)
            {
                // Read a few events (fewer than may be waiting), then drop the stream and resume from its last id.
                var take = random.Next(1, 25);
                for (var i = 0; i < take && !(sending.IsCompleted && received.Count >= accepted.Count); i++)
                {
                    received.Add(EventId(await stream.NextEventAsync(Patience)));
                }
                var lastEventId = stream.LastEventId!;
                await stream.DisposeAsync();
                reconnects++;
                stream = reconnects % 2 == 0
                    ? await SseStream.OpenAsync(streams, path, lastEventIdHeader: lastEventId)
                    : await SseStream.OpenAsync(streams, $"{path}&lastEventId={Uri.EscapeDataString(lastEventId)}");
            }
            await sending;
        }
        finally
        {
            await stream.DisposeAsync();
        }

        output.WriteLine($"{received.Count} events over {reconnects + 1} connections");
        Assert.True(reconnects >= 5, $"only {reconnects} reconnects");
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.Equal(accepted.Order(), received.Order());
        Assert.Empty(received.Intersect(others));
        Assert.Equal(await StreamOrderAsync(received), received);
    }

    /// <summary>The events in stream order: by the inserting transaction, then id, as PostgreSQL orders them.</summary>
    private async Task<List<Guid>> StreamOrderAsync(IEnumerable<Guid> ids)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(
            "SELECT id FROM normalized_events WHERE id = ANY(@ids) ORDER BY insert_xact_id, id", new { ids = ids.ToArray() })).ToList();
    }

    [Fact]
    public async Task Heartbeats_keep_a_quiet_stream_open_through_the_gateway_longer_than_its_idle_timeout()
    {
        var eventType = ManagementData.Unique("stream.quiet");
        using var streams = cluster.CreateStreamClient();
        await using var stream = await SseStream.OpenAsync(streams, $"/api/v1/events/stream?eventType={eventType}");
        var quiet = LiveTailCluster.GatewayActivityTimeout * 2;
        var heartbeats = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < quiet)
        {
            var block = await stream.NextAsync(Patience);
            Assert.NotNull(block);
            Assert.False(block!.IsEvent);
            heartbeats += block.Comments.Count(comment => comment == "heartbeat");
        }
        // About one per HeartbeatInterval of silence; a few to spare for a slow machine.
        Assert.True(heartbeats >= 4, $"{heartbeats} heartbeats in {quiet}");

        var eventId = await ManagementData.IngestAcmeAsync(anonymous, eventType);
        Assert.Equal(eventId, EventId(await stream.NextEventAsync(Patience)));
    }

    [Fact]
    public async Task A_key_holds_a_bounded_number_of_streams_freed_when_a_client_disconnects_and_they_take_no_management_slots()
    {
        using var streams = cluster.CreateStreamClient();
        var open = new List<SseStream>();
        try
        {
            // Earlier tests' streams may still be closing upstream: wait for their slots to come back.
            for (var i = 0; i < LiveTailCluster.MaxStreamsPerKey; i++)
            {
                open.Add(await OpenWhenFreeAsync(streams));
            }

            var (extra, response) = await SseStream.TryOpenAsync(streams, "/api/v1/events/stream");
            Assert.Null(extra);
            using (response)
            {
                await ManagementData.AssertErrorAsync(response!, HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            }
            // Three streams open, and the gateway's two management slots are still free for ordinary requests.
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ManagementData.GetJsonAsync(client, "/api/v1/events?pageSize=1")));

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var closed = Stopwatch.StartNew();
            open.Add(await OpenWhenFreeAsync(streams));
            output.WriteLine($"a slot came back {closed.ElapsedMilliseconds} ms after its client disconnected");
            var (again, stillFull) = await SseStream.TryOpenAsync(streams, "/api/v1/events/stream");
            Assert.Null(again);
            stillFull!.Dispose();
        }
        finally
        {
            foreach (var stream in open)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("garbage", null, "Last-Event-ID")]
    [InlineData(null, "garbage", "lastEventId")]
    [InlineData(null, null, "status", "status=pending")]
    [InlineData(null, null, "since", "since=yesterday")]
    public async Task Bad_resume_ids_and_parameters_are_refused_in_the_envelope(string? header, string? parameter, string name, string? query = null)
    {
        using var streams = cluster.CreateStreamClient();
        var path = "/api/v1/events/stream?" + (parameter is null ? "" : $"lastEventId={parameter}&") + (query ?? "");
        var (stream, response) = await SseStream.TryOpenAsync(streams, path, header);
        Assert.Null(stream);
        using (response)
        {
            await ManagementData.AssertValidationErrorAsync(response!, name);
        }
    }

    [Fact]
    public async Task A_well_formed_id_this_database_never_handed_out_and_a_list_cursor_are_refused()
    {
        using var streams = cluster.CreateStreamClient();
        var future = Position(long.MaxValue / 4, Guid.NewGuid());
        var (stream, response) = await SseStream.TryOpenAsync(streams, "/api/v1/events/stream", future);
        Assert.Null(stream);
        using (response)
        {
            await ManagementData.AssertValidationErrorAsync(response!, "Last-Event-ID");
        }

        var cursor = (await ManagementData.GetJsonAsync(client, "/api/v1/audit-entries?limit=1"))["meta"]!["nextCursor"]!.GetValue<string>();
        var (withCursor, cursorRefused) = await SseStream.TryOpenAsync(streams, "/api/v1/events/stream", cursor);
        Assert.Null(withCursor);
        using (cursorRefused)
        {
            await ManagementData.AssertValidationErrorAsync(cursorRefused!, "Last-Event-ID");
        }
    }

    [Fact]
    public async Task A_stream_needs_the_management_key()
    {
        using var response = await anonymous.GetAsync("/api/v1/events/stream");
        await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    /// <summary>
    /// Time from each webhook's 202 to its SSE message through the gateway: one webhook at a time, then eight senders at
    /// once. Printed for the report, not asserted: a shared machine's timing proves nothing.
    /// </summary>
    [Fact]
    public async Task Measures_the_time_from_202_to_the_stream_message()
    {
        foreach (var (senders, perSender, pause) in new[] { (1, 40, TimeSpan.FromMilliseconds(50)), (8, 25, TimeSpan.Zero) })
        {
            // An event waits in the stream while an older transaction of Relay's database runs: the longest seen meanwhile explains the tail.
            using var stop = new CancellationTokenSource();
            var longest = Task.Run(() => LongestWriteTransactionAsync(stop.Token));
            var latencies = await MeasureAsync(senders, perSender, pause);
            await stop.CancelAsync();
            output.WriteLine($"{latencies}; longest write transaction meanwhile: {await longest}");
        }
    }

    private async Task<string> LongestWriteTransactionAsync(CancellationToken cancellationToken)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        var longest = (Age: 0.0, Query: "none");
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (age, query) in await connection.QueryAsync<(double Age, string Query)>(
                """
                SELECT extract(epoch FROM now() - xact_start)::float8, state || ': ' || left(query, 50) FROM pg_stat_activity
                WHERE datname = current_database() AND backend_xid IS NOT NULL
                """))
            {
                longest = age > longest.Age ? (age, query) : longest;
            }
            await Task.Delay(20, CancellationToken.None);
        }
        return $"{longest.Age * 1000:F0} ms ({longest.Query.ReplaceLineEndings(" ")})";
    }

    private async Task<string> MeasureAsync(int senders, int perSender, TimeSpan pause)
    {
        var count = senders * perSender;
        var eventType = ManagementData.Unique("stream.latency");
        using var streams = cluster.CreateStreamClient();
        await using var stream = await SseStream.OpenAsync(streams, $"/api/v1/events/stream?eventType={eventType}");
        await stream.NextAsync(Patience);
        var arrived = new ConcurrentDictionary<Guid, long>();
        var reading = Task.Run(async () =>
        {
            while (arrived.Count < count)
            {
                var block = await stream.NextEventAsync(Patience);
                arrived[EventId(block)] = Stopwatch.GetTimestamp();
            }
        });
        var acceptedAt = new ConcurrentDictionary<Guid, long>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            using var webhooks = cluster.CreateClient();
            for (var i = 0; i < perSender; i++)
            {
                var eventId = await ManagementData.IngestAcmeAsync(webhooks, eventType);
                acceptedAt[eventId] = Stopwatch.GetTimestamp();
                await Task.Delay(pause);
            }
        })));
        var sendingTook = watch.Elapsed;
        await reading;

        var latencies = acceptedAt.Select(pair => Stopwatch.GetElapsedTime(pair.Value, arrived[pair.Key]).TotalMilliseconds).Order().ToList();
        Assert.Equal(count, latencies.Count);
        return $"202 -> SSE message, {senders} sender(s), {count} webhooks in {sendingTook.TotalSeconds:F1} s: " +
            $"p50 {latencies[count / 2]:F1} ms, p90 {latencies[count * 9 / 10]:F1} ms, p99 {latencies[count * 99 / 100]:F1} ms, max {latencies[^1]:F1} ms";
    }

    private async Task<SseStream> OpenWhenFreeAsync(HttpClient streams)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var (stream, refused) = await SseStream.TryOpenAsync(streams, "/api/v1/events/stream");
            if (stream is not null)
            {
                Assert.NotNull((await stream.NextAsync(Patience))?.Id);
                return stream;
            }
            var status = refused!.StatusCode;
            var body = await refused.Content.ReadAsStringAsync();
            refused.Dispose();
            Assert.True(status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline, $"the stream answered {(int)status}: {body}");
            await Task.Delay(100);
        }
    }

    private static Guid EventId(SseBlock block) => Guid.Parse(JsonNode.Parse(block.Data!)!["id"]!.GetValue<string>());

    /// <summary>A position in the stream's id format (format byte 0x53, transaction id, event id) that no stream handed out.</summary>
    private static string Position(long transactionId, Guid eventId)
    {
        var bytes = new byte[25];
        bytes[0] = 0x53;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), transactionId);
        eventId.TryWriteBytes(bytes.AsSpan(9), bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
