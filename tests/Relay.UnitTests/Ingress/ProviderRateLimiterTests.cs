using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Ingress.Api.Ingestion;
using StackExchange.Redis;

namespace Relay.UnitTests.Ingress;

/// <summary>
/// The limiter over a Redis that cannot be reached (a closed loopback port): it counts per replica in memory, keeps the
/// two buckets apart, and says so once. The shared, Redis-backed path is covered by the integration tests.
/// </summary>
public sealed class ProviderRateLimiterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset TenSecondsIntoAMinute = new(2026, 11, 20, 10, 15, 10, TimeSpan.Zero);

    private readonly RecordingLogger logger = new();
    private ConnectionMultiplexer connection = null!;

    public async Task InitializeAsync()
    {
        connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, ClosedPort() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 500,
            BacklogPolicy = BacklogPolicy.FailFast,
        });
    }

    public async Task DisposeAsync() => await connection.DisposeAsync();

    private ProviderRateLimiter Limiter(RateLimitOptions options, TimeProvider? time = null) =>
        new(connection, connection.GetDatabase(), new FixedOptions(options), time ?? new FixedTime(TenSecondsIntoAMinute), logger);

    [Fact]
    public async Task Without_Redis_each_replica_still_answers_over_the_limit()
    {
        var limiter = Limiter(new RateLimitOptions { PermitsPerMinute = 3 });

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await limiter.AcquireAsync("acme", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None));
        }

        Assert.Equal([true, true, true, false, false], decisions.Select(d => d.Allowed));
        Assert.All(decisions, d => Assert.Equal(3, d.LimitPerMinute));
        Assert.All(decisions, d => Assert.Equal(TimeSpan.FromSeconds(50), d.RetryAfter)); // the rest of the clock minute
        // Another address, or another provider, has its own count.
        Assert.True((await limiter.AcquireAsync("acme", "203.0.113.8", RateLimitBucket.Authentic, CancellationToken.None)).Allowed);
        Assert.True((await limiter.AcquireAsync("globex", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task Rejected_requests_use_their_own_quota_per_source_ip_whatever_the_provider()
    {
        var limiter = Limiter(new RateLimitOptions { PermitsPerMinute = 2, RejectedPermitsPerMinute = 4 });

        var rejected = new List<RateLimitDecision>();
        foreach (var provider in new[] { "acme", "globex", "nosuchprovider", "acme", "globex" })
        {
            rejected.Add(await limiter.AcquireAsync(provider, "203.0.113.7", RateLimitBucket.Rejected, CancellationToken.None));
        }

        Assert.Equal([true, true, true, true, false], rejected.Select(d => d.Allowed));
        Assert.All(rejected, d => Assert.Equal(4, d.LimitPerMinute));
        // The flood used none of the authentic quota of the same address.
        var authentic = await limiter.AcquireAsync("acme", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None);
        Assert.True(authentic.Allowed);
        Assert.Equal(2, authentic.LimitPerMinute);
    }

    [Fact]
    public async Task The_count_starts_again_in_the_next_minute()
    {
        var time = new FixedTime(TenSecondsIntoAMinute);
        var limiter = Limiter(new RateLimitOptions { PermitsPerMinute = 1 }, time);

        Assert.True((await limiter.AcquireAsync("acme", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None)).Allowed);
        Assert.False((await limiter.AcquireAsync("acme", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None)).Allowed);

        time.Now = TenSecondsIntoAMinute.AddSeconds(50);
        Assert.True((await limiter.AcquireAsync("acme", "203.0.113.7", RateLimitBucket.Authentic, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task The_switch_to_counting_in_memory_is_logged_once_not_per_request()
    {
        var limiter = Limiter(new RateLimitOptions { PermitsPerMinute = 1000 });

        for (var i = 0; i < 50; i++)
        {
            await limiter.AcquireAsync("acme", $"203.0.113.{i}", i % 2 == 0 ? RateLimitBucket.Authentic : RateLimitBucket.Rejected, CancellationToken.None);
        }

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("Redis unavailable", entry.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class FixedOptions(RateLimitOptions value) : IOptionsMonitor<RateLimitOptions>
    {
        public RateLimitOptions CurrentValue => value;

        public RateLimitOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RateLimitOptions, string?> listener) => null;
    }

    private sealed class RecordingLogger : ILogger<ProviderRateLimiter>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
