using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Infrastructure.Redis;
using Relay.IntegrationTests.Harness;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Redis;

/// <summary>
/// Outages, restarts and unresponsive servers, with Relay's connection settings. Each test owns its server, since it
/// stops or restarts it. Relay relies on: starting without Redis, commands failing within a couple of seconds rather
/// than holding a webhook request, and using Redis again once it is back, without a restart.
/// </summary>
public sealed class RedisResilienceTests(ITestOutputHelper output)
{
    private const int TestTimeoutMs = 90_000;
    private const string Password = "hunter2-secret";

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Starts_without_Redis_and_commands_fail_fast()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var relay = await RelayRedisHost.StartAsync($"127.0.0.1:{RedisServerProcess.FreeLoopbackPort()},password={Password}");
        var startup = stopwatch.Elapsed;
        output.WriteLine($"host started in {startup.TotalMilliseconds:0} ms with nothing listening");
        Assert.True(startup < TimeSpan.FromSeconds(5), $"start took {startup}");

        stopwatch.Restart();
        var failures = await Task.WhenAll(Enumerable.Range(0, 100).Select(index =>
            Assert.ThrowsAnyAsync<Exception>(() => relay.Database.StringSetAsync($"k{index}", "1", TimeSpan.FromMinutes(1), When.NotExists))));
        output.WriteLine($"100 concurrent commands failed in {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopwatch.Elapsed}");
        Assert.All(failures, failure => Assert.True(failure.IsRedisFailure(), failure.ToString()));

        var health = await relay.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.DoesNotContain(Password, health.Description, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_server_that_accepts_but_never_answers_delays_only_the_start()
    {
        // The kernel completes the TCP handshake for a listening socket even if nobody ever reads from it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var stopwatch = Stopwatch.StartNew();
        await using var relay = await RelayRedisHost.StartAsync($"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        output.WriteLine($"host started in {stopwatch.ElapsedMilliseconds} ms against a silent server");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"start took {stopwatch.Elapsed}");

        stopwatch.Restart();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => relay.Database.StringGetAsync("k"));
        output.WriteLine($"a command failed after {stopwatch.ElapsedMilliseconds} ms: {failure.GetType().Name}");
        Assert.True(failure.IsRedisFailure(), failure.ToString());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {stopwatch.Elapsed}");

        stopwatch.Restart();
        Assert.Equal(HealthStatus.Unhealthy, (await relay.CheckHealthAsync()).Status);
        output.WriteLine($"the check answered after {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(stopwatch.Elapsed < RedisHealthCheck.ReconnectWait + TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_server_that_stops_answering_costs_a_command_its_timeout_and_is_used_again_when_it_answers()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var relay = await RelayRedisHost.StartAsync(server.ConnectionString(), "paused:");
        Assert.True(await relay.Database.StringSetAsync("before", "1", TimeSpan.FromMinutes(1), When.NotExists));

        server.Pause();
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var stopwatch = Stopwatch.StartNew();
                var failure = await Assert.ThrowsAnyAsync<Exception>(() => relay.Database.StringSetAsync($"during-{attempt}", "1", TimeSpan.FromMinutes(1), When.NotExists));
                output.WriteLine($"command {attempt} on the hung server failed after {stopwatch.ElapsedMilliseconds} ms: {failure.GetType().Name}");
                Assert.True(failure.IsRedisFailure(), failure.ToString());
                // Timeouts are noticed on the heartbeat after they expire.
                var defaults = new RelayRedisDefaults();
                Assert.True(stopwatch.Elapsed < defaults.SyncTimeout + RelayRedisDefaults.Heartbeat + TimeSpan.FromSeconds(0.5), $"took {stopwatch.Elapsed}");
            }
            var health = await relay.CheckHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
        }
        finally
        {
            server.Resume();
        }

        var recovered = await Webhooks.EventuallyAsync(relay.CheckHealthAsync, entry => entry.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20));
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal("1", (string?)await relay.Database.StringGetAsync("before"));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Uses_the_server_again_after_it_restarts_and_the_check_follows_without_showing_the_password()
    {
        await using var server = await RedisServerProcess.StartAsync("--requirepass", Password);
        await using var relay = await RelayRedisHost.StartAsync(server.ConnectionString($"password={Password}"), "restart:");
        Assert.Equal(HealthStatus.Healthy, (await relay.CheckHealthAsync()).Status);

        // Down long enough for the client to have retried and failed several times, then briefly: either way the first
        // check after the server is back must say healthy (the fault run asks health right after each restart).
        TimeSpan[] outages = [TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(300)];
        for (var round = 0; round < outages.Length; round++)
        {
            await server.StopAsync();
            var stopwatch = Stopwatch.StartNew();
            var down = await relay.CheckHealthAsync();
            output.WriteLine($"round {round}: check unhealthy after {stopwatch.ElapsedMilliseconds} ms: {down.Description}");
            Assert.Equal(HealthStatus.Unhealthy, down.Status);
            Assert.StartsWith("Redis PING failed: ", down.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, down.Description, StringComparison.Ordinal);
            Assert.Null(down.Exception);
            Assert.True(stopwatch.Elapsed < RedisHealthCheck.ReconnectWait + TimeSpan.FromSeconds(1), $"check took {stopwatch.Elapsed}");

            var rest = outages[round] - stopwatch.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
            await server.StartAgainAsync();
            stopwatch.Restart();
            var recovered = await relay.CheckHealthAsync();
            output.WriteLine($"round {round}: first check {stopwatch.ElapsedMilliseconds} ms after the server came back: {recovered.Status} {recovered.Description}");
            Assert.Equal(HealthStatus.Healthy, recovered.Status);
            Assert.True(await relay.Database.StringSetAsync($"after-{round}", "1", TimeSpan.FromMinutes(1), When.NotExists));
            Assert.False(await relay.Database.KeyExistsAsync($"after-{round - 1}")); // a new process without persistence
        }
    }
}
