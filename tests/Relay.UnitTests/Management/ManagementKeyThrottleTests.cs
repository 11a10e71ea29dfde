using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relay.Management.Api.Security;
using StackExchange.Redis;

namespace Relay.UnitTests.Management;

/// <summary>The throttle's windows, its fallback when Redis fails, its metric, and the address it counts against.</summary>
public sealed class ManagementKeyThrottleTests
{
    private static readonly ManagementKeyThrottleOptions Options = new() { MaxFailures = 3, WindowSeconds = 60 };

    [Fact]
    public async Task An_address_is_throttled_after_max_failures_until_its_window_ends()
    {
        var time = new ManualTime();
        var throttle = NewThrottle(new MemoryAuthFailureCounter(time), new MemoryAuthFailureCounter(time), out _);

        for (var failure = 0; failure < Options.MaxFailures; failure++)
        {
            Assert.False((await throttle.CheckAsync("203.0.113.7", default)).IsThrottled);
            await throttle.RecordFailureAsync("203.0.113.7", ManagementAuthTelemetry.InvalidKey, default);
        }
        time.Advance(TimeSpan.FromSeconds(20));
        var throttled = await throttle.CheckAsync("203.0.113.7", default);
        var other = await throttle.CheckAsync("203.0.113.8", default);
        time.Advance(TimeSpan.FromSeconds(40));
        var afterWindow = await throttle.CheckAsync("203.0.113.7", default);

        Assert.True(throttled.IsThrottled);
        Assert.Equal(40, throttled.RetryAfterSeconds);
        Assert.False(other.IsThrottled);
        Assert.False(afterWindow.IsThrottled);
    }

    [Fact]
    public async Task When_redis_fails_the_failures_are_counted_in_memory()
    {
        var time = new ManualTime();
        var memory = new MemoryAuthFailureCounter(time);
        var throttle = NewThrottle(new FailingRedisCounter(), memory, out _);

        for (var failure = 0; failure < Options.MaxFailures; failure++)
        {
            await throttle.RecordFailureAsync("203.0.113.9", ManagementAuthTelemetry.MissingKey, default);
        }

        Assert.True((await throttle.CheckAsync("203.0.113.9", default)).IsThrottled);
        Assert.Equal(1, memory.TrackedAddresses);
    }

    [Fact]
    public async Task Every_refusal_is_counted_by_outcome_without_the_key()
    {
        var time = new ManualTime();
        var throttle = NewThrottle(new MemoryAuthFailureCounter(time), new MemoryAuthFailureCounter(time), out var meterFactory);
        var measurements = new List<(long Value, string Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ManagementAuthTelemetry.MeterName && instrument.Name == ManagementAuthTelemetry.FailuresName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((value, (string)tags.ToArray().Single(tag => tag.Key == "outcome").Value!));
            }
        });
        listener.Start();

        await throttle.RecordFailureAsync("203.0.113.1", ManagementAuthTelemetry.MissingKey, default);
        await throttle.RecordFailureAsync("203.0.113.1", ManagementAuthTelemetry.InvalidKey, default);
        await throttle.RecordFailureAsync("203.0.113.1", ManagementAuthTelemetry.InvalidKey, default);
        await throttle.CheckAsync("203.0.113.1", default);

        Assert.Equal(
            [(1L, "missing_key"), (1L, "invalid_key"), (1L, "invalid_key"), (1L, "throttled")],
            measurements);
    }

    [Fact]
    public async Task The_memory_counter_stays_bounded()
    {
        var time = new ManualTime();
        var memory = new MemoryAuthFailureCounter(time);
        for (var i = 0; i < MemoryAuthFailureCounter.MaxAddresses + 10; i++)
        {
            await memory.AddAsync($"client-{i}", TimeSpan.FromMinutes(1), default);
        }
        Assert.Equal(MemoryAuthFailureCounter.MaxAddresses, memory.TrackedAddresses);

        time.Advance(TimeSpan.FromMinutes(2));
        await memory.AddAsync("late-client", TimeSpan.FromMinutes(1), default);

        Assert.Equal(1, memory.TrackedAddresses);
    }

    [Theory]
    [InlineData("203.0.113.7", "10.0.0.5", "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7", "10.0.0.5", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "10.0.0.5", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "10.0.0.5", "2001:db8:1:2::/64")]
    [InlineData("[2001:db8:1:2::1]:443", "10.0.0.5", "2001:db8:1:2::/64")]
    [InlineData("not-an-address", "10.0.0.5", "10.0.0.5")]
    [InlineData(null, "10.0.0.5", "10.0.0.5")]
    public void The_client_is_the_last_forwarded_address_else_the_peer(string? forwardedFor, string peer, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(expected, ManagementClientAddress.Of(context));
    }

    private static ManagementKeyThrottle NewThrottle(IAuthFailureCounter shared, MemoryAuthFailureCounter local, out IMeterFactory meterFactory)
    {
        meterFactory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new ManagementKeyThrottle(shared, local, Microsoft.Extensions.Options.Options.Create(Options),
            new ManagementAuthTelemetry(meterFactory), NullLogger<ManagementKeyThrottle>.Instance);
    }

    private sealed class FailingRedisCounter : IAuthFailureCounter
    {
        public bool IsAvailable => true;

        public Task<AuthFailures> PeekAsync(string client, CancellationToken cancellationToken) =>
            throw new RedisException("No connection is available");

        public Task<AuthFailures> AddAsync(string client, TimeSpan window, CancellationToken cancellationToken) =>
            throw new RedisException("Timeout awaiting response");
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
