using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Redis only speeds ingest up: while it is down webhooks are still accepted without delay (the rate limiter counts in
/// each replica's memory, PostgreSQL alone recognises duplicates), the health route says so without showing the
/// password, Ingress even restarts without it, and once it is back both uses of Redis resume without a restart.
/// </summary>
public sealed class RedisOutageTests(RedisOutageCluster cluster, ITestOutputHelper output) : IClassFixture<RedisOutageCluster>
{
    private static readonly TimeSpan SlowestAcceptable = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Ingest_keeps_working_while_Redis_is_down_and_uses_it_again_once_it_is_back()
    {
        using var client = cluster.CreateClient();
        await using var inspector = await RelayRedisHost.StartAsync(cluster.Redis.ConnectionString($"password={RedisOutageCluster.Password}"));
        var prefix = cluster.Dependencies.RedisKeyPrefix;

        // Redis up: the idempotency key and the rate-limit counter land under the cluster's prefix, with their TTLs.
        var first = Webhooks.AcmeBody();
        var (firstStatus, firstBody) = await SendAsync(client, Webhooks.Acme(first));
        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        var firstEventId = firstBody["data"]!["eventId"]!.GetValue<string>();
        var idempotencyKey = Assert.Single(await KeysAsync(inspector, prefix + "idempotency:*"));
        Assert.InRange((await inspector.Database.KeyTimeToLiveAsync(idempotencyKey))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        var counter = Assert.Single(await KeysAsync(inspector, prefix + "ratelimit:acme:127.0.0.1:*"));
        Assert.InRange((await inspector.Database.KeyTimeToLiveAsync(counter))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(61));

        await cluster.Redis.StopAsync();

        // Webhooks up to the limit accepted promptly, the ones past it refused by the replica's own count (no longer let
        // through), and a repeat of the first recognised by PostgreSQL.
        await Loopback.EnsureMinuteRunwayAsync(TimeSpan.FromSeconds(20));
        var latencies = new List<TimeSpan>();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RedisOutageCluster.PermitsPerMinute + 2; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var (status, _) = await SendAsync(client, Webhooks.Globex(Webhooks.GlobexBody()));
            latencies.Add(stopwatch.Elapsed);
            statuses.Add(status);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, RedisOutageCluster.PermitsPerMinute).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        var repeat = Stopwatch.StartNew();
        var (repeatStatus, repeatBody) = await SendAsync(client, Webhooks.Acme(first));
        latencies.Add(repeat.Elapsed);
        Assert.Equal(HttpStatusCode.OK, repeatStatus);
        Assert.Equal("duplicate", repeatBody["data"]!["status"]!.GetValue<string>());
        Assert.Equal(firstEventId, repeatBody["data"]!["eventId"]!.GetValue<string>());
        output.WriteLine($"requests while Redis is down: {string.Join(", ", latencies.Select(latency => $"{latency.TotalMilliseconds:0} ms"))}");
        Assert.All(latencies, latency => Assert.True(latency < SlowestAcceptable, $"a request took {latency} while Redis was down"));

        var health = await Webhooks.EventuallyAsync(
            () => ReadHealthAsync(client),
            h => h.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        var redisCheck = health.Body["data"]!["checks"]!["redis"]!;
        Assert.Equal("error", redisCheck["status"]!.GetValue<string>());
        Assert.DoesNotContain(RedisOutageCluster.Password, redisCheck.ToJsonString(), StringComparison.Ordinal);
        using (var ingress = new HttpClient { BaseAddress = cluster.Service("Ingress.Api").BaseAddress })
        using (var readiness = await ingress.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, readiness.StatusCode); // Ingress serves without Redis, so it stays ready
        }
        var ingressOutput = cluster.Service("Ingress.Api").RecentOutput;
        Assert.Contains("Redis unavailable", ingressOutput, StringComparison.Ordinal);
        // The limiter says it switched once, not once per request.
        Assert.Equal(1, ingressOutput.Split('\n').Count(line => line.Contains("Rate limiter: Redis unavailable", StringComparison.Ordinal)));
        Assert.DoesNotContain(RedisOutageCluster.Password, ingressOutput, StringComparison.Ordinal);

        // Ingress starts while Redis is still down.
        var restart = Stopwatch.StartNew();
        await cluster.RestartAsync("Ingress.Api");
        output.WriteLine($"Ingress restarted and healthy in {restart.ElapsedMilliseconds} ms while Redis was down");
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody()))).Status);

        await cluster.Redis.StartAgainAsync();
        var back = Stopwatch.StartNew();
        Assert.Equal(HealthStatus.Healthy, (await Webhooks.EventuallyAsync(inspector.CheckHealthAsync, h => h.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20))).Status);

        // The fast path writes idempotency keys again (the restarted server started empty)...
        var keys = await Webhooks.EventuallyAsync(
            async () =>
            {
                Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody()))).Status);
                return await KeysAsync(inspector, prefix + "idempotency:*");
            },
            found => found.Length > 0, TimeSpan.FromSeconds(30));
        Assert.NotEmpty(keys);
        output.WriteLine($"Ingress used Redis again {back.ElapsedMilliseconds} ms after it came back");

        // ...the limiter counts in Redis again: a 429 within the limit plus one request (twice that if the minute turns
        // over), and the counter is back under the cluster's prefix...
        HttpStatusCode? limited = null;
        for (var i = 0; i < 2 * (RedisOutageCluster.PermitsPerMinute + 1) && limited is null; i++)
        {
            var (status, _) = await SendAsync(client, Webhooks.Globex(Webhooks.GlobexBody()));
            limited = status == HttpStatusCode.TooManyRequests ? status : null;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, limited);
        Assert.NotEmpty(await KeysAsync(inspector, prefix + "ratelimit:globex:127.0.0.1:*"));

        // ...and the health route reports Redis ok.
        var recovered = await Webhooks.EventuallyAsync(() => ReadHealthAsync(client), h => h.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal("ok", recovered.Body["data"]!["checks"]!["redis"]!["status"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            return (response.StatusCode, await response.ReadJsonAsync());
        }
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> ReadHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/health");
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    // KEYS through a script: StackExchange.Redis allows the command itself only in admin mode.
    private static async Task<RedisKey[]> KeysAsync(RelayRedisHost inspector, string pattern) =>
        (RedisKey[])(await inspector.Database.ScriptEvaluateAsync("return redis.call('KEYS', ARGV[1])", values: [pattern]))!;
}
