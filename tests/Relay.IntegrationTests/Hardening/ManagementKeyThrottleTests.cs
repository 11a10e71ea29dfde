using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Redis;
using StackExchange.Redis;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// Gateway, Ingress and Management over a redis-server of their own (a test stops it to see the in-memory fallback),
/// with a small throttle: 5 failures per 6-second window. Clients connect from different loopback addresses
/// (127.0.0.x), which the gateway sees as different client addresses, as it would see different hosts.
/// </summary>
public sealed class ManagementThrottleCluster : RelayCluster
{
    public const int MaxFailures = 5;
    public const int WindowSeconds = 6;

    public RedisServerProcess Redis { get; private set; } = null!;

    protected override string Purpose => "throttle";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];
    protected override string RedisConnectionString => Redis.ConnectionString();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__ManagementKeyThrottle__MaxFailures"] = MaxFailures.ToString(CultureInfo.InvariantCulture),
        ["Relay__ManagementKeyThrottle__WindowSeconds"] = WindowSeconds.ToString(CultureInfo.InvariantCulture),
    };

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

    /// <summary>A client whose connections to the gateway come from <paramref name="source"/> (any 127.0.0.0/8 address).</summary>
    public HttpClient ClientFrom(string source, string? key = null)
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-internal-api-key", key);
        }
        return client;
    }
}

public sealed class ManagementKeyThrottleTests(ManagementThrottleCluster cluster) : IClassFixture<ManagementThrottleCluster>
{
    private const string WrongKey = "not-the-management-key-at-all";

    [Fact]
    public async Task After_too_many_wrong_keys_an_address_gets_429_even_with_the_right_key_and_other_addresses_are_unaffected()
    {
        using var attacker = cluster.ClientFrom("127.0.0.2", WrongKey);
        using var attackerWithRightKey = cluster.ClientFrom("127.0.0.2", RelayCluster.ManagementApiKey);
        using var operatorClient = cluster.ClientFrom("127.0.0.3", RelayCluster.ManagementApiKey);

        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures; attempt++)
        {
            using var refused = await attacker.GetAsync("/api/v1/events");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var throttled = await attacker.GetAsync("/api/v1/events");
        using var noFreeGuess = await attackerWithRightKey.GetAsync("/api/v1/events");
        using var unaffected = await operatorClient.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var body = await throttled.ReadJsonAsync();
        Assert.Equal("RATE_LIMITED", body["error"]!["code"]!.GetValue<string>());
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } delay && delay > TimeSpan.Zero && delay <= TimeSpan.FromSeconds(ManagementThrottleCluster.WindowSeconds), $"Retry-After {retryAfter}");
        Assert.Equal(HttpStatusCode.TooManyRequests, noFreeGuess.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);

        // Counted in Redis, where every Management.Api replica sees it, under the real client address.
        using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString());
        var count = await redis.GetDatabase().StringGetAsync($"{cluster.Dependencies.RedisKeyPrefix}management-auth-failures:127.0.0.2");
        Assert.Equal(ManagementThrottleCluster.MaxFailures, (int)count);
    }

    [Fact]
    public async Task A_client_cannot_escape_the_throttle_by_sending_its_own_x_forwarded_for()
    {
        using var attacker = cluster.ClientFrom("127.0.0.4", WrongKey);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures + 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/integrations");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{attempt}");
            using var response = await attacker.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // The gateway trusts no proxy here, so it replaces the header with the address it sees.
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(ManagementThrottleCluster.MaxFailures, statuses.Count(status => status == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task When_the_window_ends_the_address_may_try_again()
    {
        using var attacker = cluster.ClientFrom("127.0.0.5", WrongKey);
        using var sameAddressRightKey = cluster.ClientFrom("127.0.0.5", RelayCluster.ManagementApiKey);
        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures; attempt++)
        {
            using var refused = await attacker.GetAsync("/api/v1/deliveries");
        }
        using var throttled = await sameAddressRightKey.GetAsync("/api/v1/deliveries");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);

        await Task.Delay(throttled.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(500));
        using var allowed = await sameAddressRightKey.GetAsync("/api/v1/deliveries");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task With_redis_down_failures_are_counted_in_memory_and_still_throttled()
    {
        await cluster.Redis.StopAsync();
        try
        {
            using var attacker = cluster.ClientFrom("127.0.0.6", WrongKey);
            using var operatorClient = cluster.ClientFrom("127.0.0.7", RelayCluster.ManagementApiKey);
            var statuses = new List<HttpStatusCode>();
            for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures + 1; attempt++)
            {
                using var response = await attacker.GetAsync("/api/v1/audit-entries");
                statuses.Add(response.StatusCode);
            }
            using var unaffected = await operatorClient.GetAsync("/api/v1/audit-entries");

            Assert.True(statuses.Take(ManagementThrottleCluster.MaxFailures).All(status => status == HttpStatusCode.Unauthorized), string.Join(", ", statuses));
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
            Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
            Assert.Contains("Management key throttle counts in memory", cluster.Service("Management.Api").RecentOutput, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.Redis.StartAgainAsync();
            await WaitUntilCountingInRedisAsync();
        }
    }

    [Fact]
    public async Task Wrong_api_keys_count_toward_the_throttle_and_a_valid_key_refused_for_its_scope_does_not()
    {
        var readOnly = await ApiKeys.ApiKeyClient.CreateAsync(cluster, ["read"]);
        using var scopeRefused = cluster.ClientFrom("127.0.0.9", readOnly.Key);
        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures + 2; attempt++)
        {
            using var forbidden = await scopeRefused.PostAsync("/api/v1/integrations", Webhooks.Json("{}"));
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using var stillAllowed = await scopeRefused.GetAsync("/api/v1/integrations");
        Assert.Equal(HttpStatusCode.OK, stillAllowed.StatusCode);

        // Well-formed keys that were never issued, one in each header the key may come in.
        using var guesser = cluster.ClientFrom("127.0.0.10");
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures + 1; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/integrations");
            var guess = $"rly_{Guid.NewGuid():N}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))}";
            if (attempt % 2 == 0)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", guess);
            }
            else
            {
                request.Headers.Add("x-internal-api-key", guess);
            }
            using var response = await guesser.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.True(statuses.Take(ManagementThrottleCluster.MaxFailures).All(status => status == HttpStatusCode.Unauthorized), string.Join(", ", statuses));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    /// <summary>Leaves the cluster as the other tests expect it: Management.Api reconnected and counting in Redis again.</summary>
    private async Task WaitUntilCountingInRedisAsync()
    {
        using var probe = cluster.ClientFrom("127.0.0.8", WrongKey);
        using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString());
        var key = $"{cluster.Dependencies.RedisKeyPrefix}management-auth-failures:127.0.0.8";
        var counted = await Webhooks.EventuallyAsync(async () =>
        {
            using var response = await probe.GetAsync("/api/v1/events");
            return await redis.GetDatabase().KeyExistsAsync(key);
        }, exists => exists, TimeSpan.FromSeconds(30));
        Assert.True(counted, "Management.Api did not count in Redis again after it came back");
    }
}
