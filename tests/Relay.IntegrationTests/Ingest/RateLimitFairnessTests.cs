using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Redis;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Gateway and Ingress over the shared Redis with a low limit, trusting forwarding headers from 127.0.0.1 only: the
/// address the gateway connects from. Each test calls from an address of its own in 127.0.0.0/8 (Linux routes the
/// whole block to loopback), so the gateway's hop and a caller that reaches Ingress directly can be told apart, and
/// the tests' counts never meet.
/// </summary>
public sealed class RateLimitFairnessCluster : RelayCluster
{
    public const int PermitsPerMinute = 10;

    protected override string Purpose => "fairness";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Gateway"];
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Relay__RateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(CultureInfo.InvariantCulture),
        ["Relay__Ingress__TrustedProxies"] = "127.0.0.1",
    };
}

/// <summary>Gateway and Ingress whose Redis is a closed loopback port: Redis is unreachable from the start.</summary>
public sealed class RedisUnreachableCluster : RelayCluster
{
    public const int PermitsPerMinute = 5;

    private readonly int closedPort = FreePort();

    protected override string Purpose => "noredis";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Gateway"];
    protected override string RedisConnectionString => $"127.0.0.1:{closedPort}";
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Relay__RateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The limit is fair to providers: requests that fail authentication are counted apart from authentic webhooks, the
/// counted address is the one the gateway saw (a forged X-Forwarded-For sent straight to Ingress changes nothing), and
/// junk never makes Ingress query PostgreSQL per request.
/// </summary>
public sealed class RateLimitFairnessTests(RateLimitFairnessCluster cluster, ITestOutputHelper output) : IClassFixture<RateLimitFairnessCluster>
{
    private const int Limit = RateLimitFairnessCluster.PermitsPerMinute;

    [Fact]
    public async Task A_flood_of_unauthenticated_requests_gets_429_while_the_same_addresses_signed_webhooks_keep_their_quota()
    {
        using var client = Loopback.ClientFrom("127.0.0.2", cluster.GatewayAddress);
        await Loopback.EnsureMinuteRunwayAsync(TimeSpan.FromSeconds(25));

        // Junk of every kind: no signature, a wrong one, a wrong token, a provider Relay does not know.
        Func<HttpRequestMessage>[] junk =
        [
            () => Unsigned(Webhooks.AcmeBody()),
            () => Webhooks.Acme(Webhooks.AcmeBody(), signature: new string('0', 64)),
            () => Webhooks.Globex(Webhooks.GlobexBody(), token: "not-the-token"),
            () => Webhooks.Acme(Webhooks.AcmeBody(), provider: "nosuchprovider"),
        ];
        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < Limit + 5; i++)
        {
            flood.Add((await SendAsync(client, junk[i % junk.Length]())).Status);
        }
        output.WriteLine($"flood: {string.Join(", ", flood.Select(s => (int)s))}");
        Assert.All(flood.Take(Limit), status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound }));
        Assert.All(flood.Skip(Limit), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

        var (limitedStatus, limited, retryAfter) = await SendAsync(client, Unsigned(Webhooks.AcmeBody()));
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedStatus);
        Assert.Equal("RATE_LIMITED", limited["error"]!["code"]!.GetValue<string>());
        Assert.Equal("acme", limited["error"]!["details"]!["provider"]!.GetValue<string>());
        Assert.Equal("127.0.0.2", limited["error"]!["details"]!["sourceIp"]!.GetValue<string>());
        Assert.Equal(Limit, limited["error"]!["details"]!["limitPerMinute"]!.GetValue<int>());
        Assert.True(retryAfter > TimeSpan.Zero);

        // The flood used none of the quota of authentic webhooks from the same address, in the same minute...
        var signed = new List<HttpStatusCode>();
        for (var i = 0; i < Limit; i++)
        {
            signed.Add((await SendAsync(client, i % 2 == 0 ? Webhooks.Acme(Webhooks.AcmeBody()) : Webhooks.Globex(Webhooks.GlobexBody()))).Status);
        }
        Assert.All(signed, status => Assert.Equal(HttpStatusCode.Accepted, status));
        // ...while the flood itself is still refused...
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, Unsigned(Webhooks.AcmeBody()))).Status);
        // ...and authentic webhooks have a limit of their own, per provider (acme has had half of its quota).
        for (var i = Limit / 2; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody()))).Status);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody()))).Status);
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_sent_straight_to_Ingress_is_ignored_the_connection_address_is_stored_and_limited()
    {
        using var client = Loopback.ClientFrom("127.0.0.3", cluster.Service("Ingress.Api").BaseAddress);
        await Loopback.EnsureMinuteRunwayAsync(TimeSpan.FromSeconds(20));

        var eventIds = new List<Guid>();
        for (var i = 0; i < Limit; i++)
        {
            // A different forged address each time: believed, each would be a fresh rate-limit bucket.
            var request = Webhooks.Acme(Webhooks.AcmeBody());
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", $"203.0.113.{i + 1}");
            var (status, body, _) = await SendAsync(client, request);
            Assert.Equal(HttpStatusCode.Accepted, status);
            eventIds.Add(Guid.Parse(body["data"]!["eventId"]!.GetValue<string>()));
        }

        var stored = await StoredSourcesAsync(eventIds);
        Assert.All(stored, source => Assert.Equal(("127.0.0.3", "127.0.0.3"), source));

        var over = Webhooks.Acme(Webhooks.AcmeBody());
        over.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.99");
        var (limitedStatus, limited, _) = await SendAsync(client, over);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedStatus);
        Assert.Equal("127.0.0.3", limited["error"]!["details"]!["sourceIp"]!.GetValue<string>());
    }

    [Fact]
    public async Task Through_the_gateway_the_callers_own_address_is_recorded_whatever_it_claims()
    {
        using var client = Loopback.ClientFrom("127.0.0.4", cluster.GatewayAddress);

        var plain = await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody()));
        var claiming = Webhooks.Globex(Webhooks.GlobexBody());
        claiming.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.50");
        var forged = await SendAsync(client, claiming);

        Assert.Equal(HttpStatusCode.Accepted, plain.Status);
        Assert.Equal(HttpStatusCode.Accepted, forged.Status);
        var stored = await StoredSourcesAsync([
            Guid.Parse(plain.Body["data"]!["eventId"]!.GetValue<string>()),
            Guid.Parse(forged.Body["data"]!["eventId"]!.GetValue<string>()),
        ]);
        // The gateway replaces X-Forwarded-For with the address it was called from, and Ingress believes the gateway.
        Assert.All(stored, source => Assert.Equal(("127.0.0.4", "127.0.0.4"), source));
    }

    [Fact]
    public async Task Unauthenticated_floods_do_not_make_Ingress_query_PostgreSQL_per_request()
    {
        using var client = Loopback.ClientFrom("127.0.0.5", cluster.GatewayAddress);
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        const string IntegrationLookups = "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'integrations'";
        // A server process reports its table statistics once it has been idle for a while (PGSTAT_IDLE_INTERVAL, 10 s):
        // let the reads of earlier tests (lookups, and the foreign-key checks of every insert) land before counting.
        var idle = TimeSpan.FromSeconds(11);
        await Task.Delay(idle);
        var before = await connection.ExecuteScalarAsync<long>(IntegrationLookups);

        // Provider names Relay has no adapter for (each a cache miss if it were looked up), and bad signatures.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            statuses.Add((await SendAsync(client, Webhooks.Acme(Webhooks.AcmeBody(), provider: $"nosuch-{i}-{Guid.NewGuid():N}"[..40]))).Status);
            statuses.Add((await SendAsync(client, Unsigned(Webhooks.AcmeBody()))).Status);
        }
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));

        await Task.Delay(idle);
        var after = await connection.ExecuteScalarAsync<long>(IntegrationLookups);
        output.WriteLine($"integrations read {after - before} times for {statuses.Count} rejected requests");
        // acme's integration is read once per cache period (5 s); anything near one read per request is a failure.
        Assert.InRange(after - before, 0, 10);
    }

    private static HttpRequestMessage Unsigned(string body) =>
        new(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = Webhooks.Json(body) };

    private static async Task<(HttpStatusCode Status, JsonNode Body, TimeSpan? RetryAfter)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            return (response.StatusCode, await response.ReadJsonAsync(), response.Headers.RetryAfter?.Delta);
        }
    }

    /// <summary>The stored source_ip and the stored x-forwarded-for header of each event.</summary>
    private async Task<IReadOnlyList<(string SourceIp, string ForwardedFor)>> StoredSourcesAsync(IReadOnlyList<Guid> eventIds)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string, string)>(
            """
            SELECT host(w.source_ip), w.request_headers ->> 'x-forwarded-for'
            FROM normalized_events e JOIN webhook_events w ON w.id = e.webhook_event_id WHERE e.id = ANY(@eventIds)
            """, new { eventIds = eventIds.ToArray() });
        var list = rows.AsList();
        Assert.Equal(eventIds.Count, list.Count);
        return list;
    }
}

/// <summary>With Redis unreachable from the start, each Ingress replica still enforces the limit on its own.</summary>
public sealed class RedisUnreachableRateLimitTests(RedisUnreachableCluster cluster) : IClassFixture<RedisUnreachableCluster>
{
    private const int Limit = RedisUnreachableCluster.PermitsPerMinute;

    [Fact]
    public async Task The_per_instance_limit_answers_429_past_the_limit_and_the_switch_is_logged_once()
    {
        using var client = cluster.CreateClient();
        await Loopback.EnsureMinuteRunwayAsync(TimeSpan.FromSeconds(20));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i <= Limit && limited is null; i++)
        {
            var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, Limit).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.NotNull(limited);
        using (limited)
        {
            var error = await limited.ReadJsonAsync();
            Assert.Equal("RATE_LIMITED", error["error"]!["code"]!.GetValue<string>());
            Assert.Equal(Limit, error["error"]!["details"]!["limitPerMinute"]!.GetValue<int>());
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // Rejected requests have their own bucket here too: a flood is refused, globex's webhooks are not.
        var flood = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            using var response = await client.SendAsync(Webhooks.Globex(Webhooks.GlobexBody(), token: "wrong"));
            flood.Add(response.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, Limit).Append(HttpStatusCode.TooManyRequests), flood);
        using (var globex = await client.SendAsync(Webhooks.Globex(Webhooks.GlobexBody())))
        {
            Assert.Equal(HttpStatusCode.Accepted, globex.StatusCode);
        }

        var switches = cluster.Service("Ingress.Api").RecentOutput.Split('\n').Count(line => line.Contains("Rate limiter: Redis unavailable", StringComparison.Ordinal));
        Assert.True(switches == 1, $"the switch to in-memory counting was logged {switches} times\n{cluster.Logs()}");
    }
}

/// <summary>Callers from chosen loopback addresses, and a guard against the rate-limit minute turning mid-test.</summary>
internal static class Loopback
{
    /// <summary>An HTTP client whose connections leave from <paramref name="sourceAddress"/> (any address in 127.0.0.0/8).</summary>
    public static HttpClient ClientFrom(string sourceAddress, Uri baseAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// The limiter counts per clock minute; a test that counts to the limit waits for the next minute when less than
    /// <paramref name="needed"/> of this one is left, so its counts cannot restart halfway.
    /// </summary>
    public static async Task EnsureMinuteRunwayAsync(TimeSpan needed)
    {
        var now = DateTimeOffset.UtcNow;
        var left = TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(now.ToUnixTimeMilliseconds() % 60_000);
        if (left < needed)
        {
            await Task.Delay(left + TimeSpan.FromMilliseconds(200));
        }
    }
}

/// <summary>Gateway and Ingress over a redis-server of their own, which a test can freeze (SIGSTOP).</summary>
public sealed class HungRedisCluster : RelayCluster
{
    public RedisServerProcess Redis { get; private set; } = null!;

    protected override string Purpose => "hungredis";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Gateway"];
    protected override string RedisConnectionString => Redis.ConnectionString();

    public override async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>
/// A Redis that stops answering (frozen, connections open) costs one request the command timeout, then the limiter
/// counts locally and lets only one request at a time find out whether Redis answers again.
/// </summary>
public sealed class HungRedisRateLimitTests(HungRedisCluster cluster, ITestOutputHelper output) : IClassFixture<HungRedisCluster>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1.5);

    /// <summary>ProviderRateLimiter.RedisRetryInterval.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task While_Redis_hangs_only_one_request_at_a_time_waits_for_it()
    {
        using var client = cluster.CreateClient();
        // Rejected requests touch Redis only in the limiter (authentic ones also claim an idempotency key there).
        async Task<TimeSpan> TimeRejectedAsync()
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = Webhooks.Json(Webhooks.AcmeBody()) };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return stopwatch.Elapsed;
        }
        Assert.True(await TimeRejectedAsync() < Slow);

        cluster.Redis.Pause();
        try
        {
            // The first request finds out: it waits for the command timeout (2 s), then counts locally.
            var first = await TimeRejectedAsync();
            output.WriteLine($"first request on the hung server: {first.TotalMilliseconds:0} ms");

            // Past the retry interval, a burst: one of them asks Redis again, the others count locally at once.
            await Task.Delay(RetryInterval + TimeSpan.FromMilliseconds(300));
            var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TimeRejectedAsync()));
            output.WriteLine($"burst: {string.Join(", ", burst.Select(latency => $"{latency.TotalMilliseconds:0} ms"))}");
            Assert.True(burst.Count(latency => latency >= Slow) <= 2, $"{burst.Count(latency => latency >= Slow)} of 10 requests waited for the hung Redis");
        }
        finally
        {
            cluster.Redis.Resume();
        }
    }
}
