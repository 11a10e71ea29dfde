using System.Collections.Concurrent;
using System.Diagnostics;
using Relay.Infrastructure.Redis;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Redis;

/// <summary>Commands against one real redis-server; each test uses its own key prefix.</summary>
public sealed class RedisClientTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int TestTimeoutMs = 60_000;
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);
    private readonly string prefix = $"test:{Guid.NewGuid():N}:";

    private RespRedisClient NewClient(string? options = null) => fixture.Server.CreateClient(prefix, options);

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Ping_returns_a_positive_round_trip_time()
    {
        await using var client = NewClient();
        var roundTrip = await client.PingAsync(CancellationToken.None);
        Assert.True(roundTrip > TimeSpan.Zero && roundTrip < TimeSpan.FromSeconds(2), $"round trip {roundTrip}");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task SetIfNotExists_sets_only_when_absent_and_sets_the_ttl()
    {
        await using var client = NewClient();
        Assert.True(await client.SetIfNotExistsAsync("idem", "first", TimeSpan.FromSeconds(100), CancellationToken.None));
        Assert.False(await client.SetIfNotExistsAsync("idem", "second", TimeSpan.FromSeconds(100), CancellationToken.None));
        Assert.Equal("first", await client.GetAsync("idem", CancellationToken.None));

        var ttl = await RawIntegerAsync(client, "TTL", prefix + "idem");
        Assert.InRange(ttl, 98, 100);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task SetIfNotExists_key_really_expires()
    {
        await using var client = NewClient();
        Assert.True(await client.SetIfNotExistsAsync("short", "v", TimeSpan.FromSeconds(1), CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        Assert.Null(await client.GetAsync("short", CancellationToken.None));
        Assert.True(await client.SetIfNotExistsAsync("short", "again", TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Sub_second_expiry_rounds_up_to_one_second_and_non_positive_is_rejected()
    {
        await using var client = NewClient();
        Assert.True(await client.SetIfNotExistsAsync("tiny", "v", TimeSpan.FromMilliseconds(200), CancellationToken.None));
        Assert.Equal(1, await RawIntegerAsync(client, "TTL", prefix + "tiny"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SetIfNotExistsAsync("zero", "v", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Set_get_delete_round_trip_is_binary_safe()
    {
        await using var client = NewClient();
        const string value = "line1\r\nline2 ü € 😀 $5\r\n*1";
        Assert.True(await client.SetAsync("text", value, null, CancellationToken.None));
        Assert.Equal(value, await client.GetAsync("text", CancellationToken.None));
        Assert.Equal(-1, await RawIntegerAsync(client, "TTL", prefix + "text")); // no expiry requested

        Assert.True(await client.SetAsync("empty", "", TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal("", await client.GetAsync("empty", CancellationToken.None));
        Assert.InRange(await RawIntegerAsync(client, "TTL", prefix + "empty"), 28, 30);

        Assert.Null(await client.GetAsync("missing", CancellationToken.None));
        Assert.True(await client.DeleteAsync("text", CancellationToken.None));
        Assert.False(await client.DeleteAsync("text", CancellationToken.None));
        Assert.Null(await client.GetAsync("text", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Large_values_round_trip()
    {
        await using var client = NewClient();
        var large = string.Create(3 * 1024 * 1024, 0, (span, _) =>
        {
            for (var index = 0; index < span.Length; index++)
            {
                span[index] = (char)('a' + (index % 26));
            }
        });
        Assert.True(await client.SetAsync("large", large, OneMinute, CancellationToken.None));
        Assert.Equal(large, await client.GetAsync("large", CancellationToken.None));
        Assert.Equal("PONG", (await client.ExecuteAsync(["PING"], CancellationToken.None)).Text);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task IncrementWithExpiry_counts_and_sets_the_ttl_only_once()
    {
        await using var client = NewClient();
        Assert.Equal(1, await client.IncrementWithExpiryAsync("window", TimeSpan.FromSeconds(100), CancellationToken.None));
        Assert.InRange(await RawIntegerAsync(client, "TTL", prefix + "window"), 98, 100);

        // A later call with another expiry must not move the window (EXPIRE ... NX).
        Assert.Equal(2, await client.IncrementWithExpiryAsync("window", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal(3, await client.IncrementWithExpiryAsync("window", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.InRange(await RawIntegerAsync(client, "TTL", prefix + "window"), 98, 100);
        Assert.Equal("3", await client.GetAsync("window", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task IncrementWithExpiry_gives_a_ttl_to_a_counter_that_lost_it_and_restarts_after_expiry()
    {
        await using var client = NewClient();
        Assert.True(await client.SetAsync("orphan", "7", null, CancellationToken.None)); // a counter without TTL
        Assert.Equal(8, await client.IncrementWithExpiryAsync("orphan", TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(1, await RawIntegerAsync(client, "TTL", prefix + "orphan"));
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(1, await client.IncrementWithExpiryAsync("orphan", TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Server_error_replies_throw_RedisServerException_and_the_connection_stays_in_sync()
    {
        await using var client = NewClient();
        await client.SetAsync("not-a-number", "abc", null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => client.IncrementWithExpiryAsync("not-a-number", OneMinute, CancellationToken.None));
        Assert.Equal("ERR", error.ErrorCode);
        Assert.Contains("not an integer", error.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => client.ExecuteAsync(["NOSUCHCOMMAND"], CancellationToken.None));
        Assert.Equal("ERR", unknown.ErrorCode);

        Assert.Equal("abc", await client.GetAsync("not-a-number", CancellationToken.None));
        Assert.Equal(1, await client.IncrementWithExpiryAsync("number", OneMinute, CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_thousand_concurrent_mixed_commands_each_get_their_own_reply()
    {
        await using var client = NewClient();
        for (var index = 0; index < 100; index++)
        {
            await client.SetAsync($"pre:{index}", $"value-{index}", OneMinute, CancellationToken.None);
        }

        var sharedCounts = new ConcurrentBag<long>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var operations = Enumerable.Range(0, 1000).Select(index => Task.Run(async () =>
        {
            await start.Task;
            switch (index % 5)
            {
                case 0:
                    Assert.Equal($"value-{index % 100}", await client.GetAsync($"pre:{index % 100}", CancellationToken.None));
                    break;
                case 1:
                    Assert.True(await client.SetAsync($"own:{index}", $"mine-{index}", OneMinute, CancellationToken.None));
                    Assert.Equal($"mine-{index}", await client.GetAsync($"own:{index}", CancellationToken.None));
                    break;
                case 2:
                    Assert.True(await client.SetIfNotExistsAsync($"nx:{index}", "x", OneMinute, CancellationToken.None));
                    Assert.False(await client.SetIfNotExistsAsync($"nx:{index}", "y", OneMinute, CancellationToken.None));
                    break;
                case 3:
                    sharedCounts.Add(await client.IncrementWithExpiryAsync("shared", OneMinute, CancellationToken.None));
                    Assert.Equal(1, await client.IncrementWithExpiryAsync($"ctr:{index}", OneMinute, CancellationToken.None));
                    Assert.Equal(2, await client.IncrementWithExpiryAsync($"ctr:{index}", OneMinute, CancellationToken.None));
                    break;
                default:
                    await client.SetAsync($"del:{index}", "gone soon", null, CancellationToken.None);
                    Assert.True(await client.DeleteAsync($"del:{index}", CancellationToken.None));
                    Assert.False(await client.DeleteAsync($"del:{index}", CancellationToken.None));
                    break;
            }
        })).ToArray();

        start.SetResult();
        await Task.WhenAll(operations);

        // Every increment of the shared counter saw a distinct value: no reply went to the wrong caller.
        Assert.Equal(Enumerable.Range(1, 200).Select(value => (long)value), sharedCounts.Order());
        Assert.Equal("200", await client.GetAsync("shared", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Pipelining_sustains_many_thousands_of_commands_per_second()
    {
        await using var client = NewClient();
        await client.SetAsync("hot", "value", OneMinute, CancellationToken.None);
        const int workers = 64;
        const int commandsPerWorker = 500;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var index = 0; index < commandsPerWorker; index++)
            {
                Assert.Equal("value", await client.GetAsync("hot", CancellationToken.None));
            }
        })));
        stopwatch.Stop();
        var rate = workers * commandsPerWorker / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{workers * commandsPerWorker} GETs in {stopwatch.ElapsedMilliseconds} ms = {rate:0} commands/s");
        // Generous floor for a 2-core CI machine; an unpipelined or lock-convoyed client falls well below it.
        Assert.True(rate > 5_000, $"only {rate:0} commands/s");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Key_prefix_isolates_clients_sharing_a_server()
    {
        var sharedPrefix = $"iso:{Guid.NewGuid():N}:";
        await using var tenantA = fixture.Server.CreateClient(sharedPrefix + "a:");
        await using var tenantB = fixture.Server.CreateClient(sharedPrefix + "b:");
        await using var raw = fixture.Server.CreateClient();

        Assert.True(await tenantA.SetIfNotExistsAsync("key", "from-a", OneMinute, CancellationToken.None));
        Assert.True(await tenantB.SetIfNotExistsAsync("key", "from-b", OneMinute, CancellationToken.None));
        Assert.Equal(1, await tenantA.IncrementWithExpiryAsync("count", OneMinute, CancellationToken.None));
        Assert.Equal(1, await tenantB.IncrementWithExpiryAsync("count", OneMinute, CancellationToken.None));

        Assert.Equal("from-a", await tenantA.GetAsync("key", CancellationToken.None));
        Assert.Equal("from-b", await tenantB.GetAsync("key", CancellationToken.None));
        Assert.Equal("from-a", await raw.GetAsync(sharedPrefix + "a:key", CancellationToken.None));
        Assert.Null(await raw.GetAsync("key", CancellationToken.None));

        Assert.True(await tenantA.DeleteAsync("key", CancellationToken.None));
        Assert.Equal("from-b", await tenantB.GetAsync("key", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task DefaultDatabase_selects_the_database_on_connect()
    {
        await using var database3 = NewClient("defaultDatabase=3");
        await using var database0 = NewClient();
        Assert.True(await database3.SetAsync("db-key", "in-3", OneMinute, CancellationToken.None));
        Assert.Null(await database0.GetAsync("db-key", CancellationToken.None));
        Assert.Equal("in-3", await database3.GetAsync("db-key", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Cancelling_a_command_in_flight_does_not_desync_later_replies()
    {
        await using var client = NewClient();
        await client.SetAsync("k", "v", OneMinute, CancellationToken.None);

        // BLPOP holds its reply for 1 s on the server; the caller gives up after 100 ms.
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var blocked = client.ExecuteAsync(["BLPOP", prefix + "empty-list", "1"], cancellation.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);

        // The GET queues behind the abandoned BLPOP: its nil reply must be consumed and dropped, not handed to GET.
        var stopwatch = Stopwatch.StartNew();
        Assert.Equal("v", await client.GetAsync("k", CancellationToken.None));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(500), $"GET answered after {stopwatch.Elapsed}, so it did not wait behind the BLPOP");
        Assert.Equal(1, await client.IncrementWithExpiryAsync("after", OneMinute, CancellationToken.None));
        Assert.Equal("v", await client.GetAsync("k", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Many_random_cancellations_leave_every_completed_reply_correct()
    {
        await using var client = NewClient();
        for (var index = 0; index < 50; index++)
        {
            await client.SetAsync($"c:{index}", $"v{index}", OneMinute, CancellationToken.None);
        }

        var cancelled = 0;
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(index => Task.Run(async () =>
        {
            using var cancellation = new CancellationTokenSource();
            if (index % 2 == 0)
            {
                cancellation.CancelAfter(TimeSpan.FromTicks(Random.Shared.Next(0, 20_000))); // 0-2 ms: before, during or after the round trip
            }
            try
            {
                Assert.Equal($"v{index % 50}", await client.GetAsync($"c:{index % 50}", cancellation.Token));
            }
            catch (OperationCanceledException) when (index % 2 == 0)
            {
                Interlocked.Increment(ref cancelled);
            }
        })));
        output.WriteLine($"{cancelled} of 500 cancellable commands were cancelled");

        for (var index = 0; index < 50; index++)
        {
            Assert.Equal($"v{index}", await client.GetAsync($"c:{index}", CancellationToken.None));
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Already_cancelled_token_throws_without_sending()
    {
        await using var client = NewClient();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SetAsync("never", "x", null, cancellation.Token));
        Assert.Null(await client.GetAsync("never", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Health_check_reports_healthy_with_latency()
    {
        await using var client = NewClient();
        var result = await new RedisHealthCheck(client).CheckHealthAsync(new(), CancellationToken.None);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, result.Status);
        Assert.Matches(@"^PING answered in \d+\.\d ms$", result.Description);
    }

    private static async Task<long> RawIntegerAsync(RespRedisClient client, params string[] command)
    {
        var reply = await client.ExecuteAsync(command, CancellationToken.None);
        Assert.Equal(RespType.Integer, reply.Type);
        return reply.Integer;
    }
}
