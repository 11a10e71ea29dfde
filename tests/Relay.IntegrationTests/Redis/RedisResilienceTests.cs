using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Infrastructure.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary>Outages, restarts and unresponsive servers. Each test owns its server, since it stops or restarts it.</summary>
public sealed class RedisResilienceTests
{
    private const int TestTimeoutMs = 60_000;
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Client_reconnects_by_itself_after_the_server_restarts()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var client = server.CreateClient("restart:");
        Assert.True(await client.SetAsync("before", "1", OneMinute, CancellationToken.None));

        await server.StopAsync();
        await server.StartAgainAsync();

        // The client may learn of the dead connection from the first command after the restart; it must not
        // need more than that one failure, and everything after reconnecting must work.
        var failures = 0;
        while (true)
        {
            try
            {
                await client.PingAsync(CancellationToken.None);
                break;
            }
            catch (RedisConnectionException) when (++failures < 2)
            {
            }
        }
        Assert.True(await client.SetAsync("after", "2", OneMinute, CancellationToken.None));
        Assert.Equal("2", await client.GetAsync("after", CancellationToken.None));
        Assert.Null(await client.GetAsync("before", CancellationToken.None)); // a fresh server without persistence: really a new process
        Assert.Equal(1, await client.IncrementWithExpiryAsync("count", OneMinute, CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Reconnects_repeatedly_across_several_restarts_with_concurrent_callers()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var client = server.CreateClient("restarts:");
        for (var round = 0; round < 3; round++)
        {
            await server.StopAsync();
            await server.StartAgainAsync();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async index =>
            {
                try
                {
                    return await client.SetIfNotExistsAsync($"r{round}:{index}", "x", OneMinute, CancellationToken.None);
                }
                catch (RedisConnectionException)
                {
                    return (bool?)null; // those sent on the connection that was just killed
                }
            }));
            Assert.All(outcomes, outcome => Assert.NotEqual(false, outcome));
            Assert.Contains(outcomes, outcome => outcome == true); // at least the callers after the reconnect succeeded
            Assert.Equal(1, await client.IncrementWithExpiryAsync($"round-{round}", OneMinute, CancellationToken.None));
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Commands_in_flight_and_later_fail_fast_with_RedisConnectionException_when_the_server_stops()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var client = server.CreateClient("stop:");
        await client.PingAsync(CancellationToken.None);

        // BLPOP keeps a command outstanding on the server when it dies.
        var inFlight = client.ExecuteAsync(["BLPOP", "stop:list", "10"], CancellationToken.None);
        await Task.Delay(200);
        var stopwatch = Stopwatch.StartNew();
        await server.StopAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), $"in-flight command failed only after {stopwatch.Elapsed}");

        stopwatch.Restart();
        var later = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("x", CancellationToken.None));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"later command failed only after {stopwatch.Elapsed}");
        Assert.Contains($"127.0.0.1:{server.Port}", later.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Many_callers_fail_fast_when_nothing_listens()
    {
        await using var client = ClientFor(RedisServerProcess.FreeLoopbackPort());
        var stopwatch = Stopwatch.StartNew();
        var failures = await Task.WhenAll(Enumerable.Range(0, 100).Select(index =>
            Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync($"k{index}", CancellationToken.None))));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopwatch.Elapsed}");
        Assert.All(failures, failure => Assert.Contains("Could not connect", failure.Message, StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Command_times_out_when_the_server_accepts_but_never_answers()
    {
        // The kernel completes the TCP handshake for a listening socket even if nobody ever reads from it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var commandTimeout = TimeSpan.FromMilliseconds(500);
        await using var client = ClientFor(((IPEndPoint)silent.LocalEndpoint).Port, commandTimeout: commandTimeout);

        var stopwatch = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 20).Select(index => client.GetAsync($"k{index}", CancellationToken.None)).ToArray();
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(() => call);
        }
        Assert.InRange(stopwatch.Elapsed, commandTimeout * 0.9, commandTimeout + TimeSpan.FromSeconds(1.5));

        // And again on the replacement connection: the dead server never hangs a caller.
        stopwatch.Restart();
        await Assert.ThrowsAsync<RedisTimeoutException>(() => client.PingAsync(CancellationToken.None));
        Assert.InRange(stopwatch.Elapsed, commandTimeout * 0.9, commandTimeout + TimeSpan.FromSeconds(1.5));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Connect_times_out_when_the_tls_handshake_never_completes()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var connectTimeout = TimeSpan.FromMilliseconds(500);
        await using var client = ClientFor(((IPEndPoint)silent.LocalEndpoint).Port, options: "ssl=true", connectTimeout: connectTimeout);

        var stopwatch = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync(CancellationToken.None));
        Assert.InRange(stopwatch.Elapsed, connectTimeout * 0.9, connectTimeout + TimeSpan.FromSeconds(1.5));
        Assert.Contains("Timed out", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Health_check_is_unhealthy_without_leaking_the_password_and_recovers()
    {
        await using var server = await RedisServerProcess.StartAsync("--requirepass", "hunter2-secret");
        await using var client = server.CreateClient(options: "password=hunter2-secret");
        var check = new RedisHealthCheck(client);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new(), CancellationToken.None)).Status);

        await server.StopAsync();
        var down = await check.CheckHealthAsync(new(), CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.StartsWith("Redis PING failed: ", down.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", down.Description, StringComparison.Ordinal);
        Assert.Null(down.Exception);

        await server.StartAgainAsync();
        var recovered = await check.CheckHealthAsync(new(), CancellationToken.None);
        if (recovered.Status != HealthStatus.Healthy)
        {
            recovered = await check.CheckHealthAsync(new(), CancellationToken.None); // at most one probe hits the dead connection
        }
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Disposing_the_client_fails_outstanding_commands_and_rejects_new_ones()
    {
        await using var server = await RedisServerProcess.StartAsync();
        var client = server.CreateClient("dispose:");
        await client.PingAsync(CancellationToken.None);
        var inFlight = client.ExecuteAsync(["BLPOP", "dispose:list", "10"], CancellationToken.None);
        await Task.Delay(100);

        await client.DisposeAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetAsync("k", CancellationToken.None));
        await client.DisposeAsync(); // idempotent
    }

    private static RespRedisClient ClientFor(int port, string? options = null, TimeSpan? commandTimeout = null, TimeSpan? connectTimeout = null) =>
        new(
            new RedisClientOptions
            {
                ConnectionString = RedisConnectionString.Parse($"127.0.0.1:{port}{(options is null ? "" : "," + options)}"),
                CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(2),
                ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2),
            },
            TimeProvider.System);
}
