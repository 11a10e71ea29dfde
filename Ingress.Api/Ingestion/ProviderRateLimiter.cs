using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;
using StackExchange.Redis;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// Fixed one-minute windows, counted in Redis so every Ingress replica shares them: authentic webhooks per provider and
/// source IP, rejected requests per source IP in a bucket of their own (<see cref="RateLimitBucket"/>). While Redis is
/// unavailable each replica counts in memory (<see cref="LocalWindowCounter"/>, same windows and limits, per replica),
/// so a flood is still answered 429; the switch either way is logged once.
/// </summary>
public sealed class ProviderRateLimiter
{
    // INCR, then EXPIRE only while the key has no TTL, atomically and in one round trip: the window starts at the first
    // request, and a counter that ever lost its TTL gets one on the next request instead of counting forever.
    private const string CountInWindowScript = """
        local count = redis.call('INCR', KEYS[1])
        if redis.call('TTL', KEYS[1]) == -1 then
            redis.call('EXPIRE', KEYS[1], ARGV[1])
        end
        return count
        """;

    // A second longer than the window, so the key outlives the minute it counts.
    private static readonly RedisValue[] WindowSeconds = [61];

    /// <summary>
    /// After a failed command Redis is left alone this long, then one request at a time tries it again: a server that
    /// stopped answering would otherwise cost every request the command timeout. A refused connection costs nothing
    /// to skip (the client reports itself disconnected and reconnects in the background).
    /// </summary>
    public static readonly TimeSpan RedisRetryInterval = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer connection;
    private readonly IDatabase redis;
    private readonly IOptionsMonitor<RateLimitOptions> options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<ProviderRateLimiter> logger;
    private readonly LocalWindowCounter localAuthentic;
    private readonly LocalWindowCounter localRejected;
    private long redisSkippedUntil;
    private int countingLocally;
    private int probing;

    public ProviderRateLimiter(IConnectionMultiplexer connection, IDatabase redis, IOptionsMonitor<RateLimitOptions> options, TimeProvider timeProvider, ILogger<ProviderRateLimiter> logger)
    {
        this.connection = connection;
        this.redis = redis;
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        localAuthentic = new LocalWindowCounter(options.CurrentValue.FallbackMaxCounters);
        localRejected = new LocalWindowCounter(options.CurrentValue.FallbackMaxCounters);
    }

    public async Task<RateLimitDecision> AcquireAsync(string provider, string sourceIp, RateLimitBucket bucket, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var window = seconds / 60;
        var retryAfter = TimeSpan.FromSeconds(60 - seconds % 60);
        var limit = options.CurrentValue.LimitFor(bucket);
        // The authentic key keeps its earlier form; "ratelimit-rejected" cannot collide with a provider's name.
        var key = bucket == RateLimitBucket.Authentic ? $"ratelimit:{provider}:{sourceIp}" : $"ratelimit-rejected:{sourceIp}";

        var count = await CountInRedisAsync($"{key}:{window}", now, cancellationToken)
            ?? (bucket == RateLimitBucket.Authentic ? localAuthentic : localRejected).Increment(key, window);
        return new RateLimitDecision(count <= limit, retryAfter, limit);
    }

    /// <summary>The count in Redis, or null when Redis cannot answer now (the caller counts locally).</summary>
    private async Task<long?> CountInRedisAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!connection.IsConnected)
        {
            SwitchToLocal("not connected");
            return null;
        }
        var probe = Volatile.Read(ref countingLocally) == 1;
        if (probe && (now.UtcTicks < Volatile.Read(ref redisSkippedUntil) || Interlocked.Exchange(ref probing, 1) == 1))
        {
            // Counting locally since a failure: the others wait neither for the interval nor for the one request
            // that is finding out whether Redis answers again.
            return null;
        }
        try
        {
            var count = (long)await redis.ScriptEvaluateAsync(CountInWindowScript, [key], WindowSeconds).WaitAsync(cancellationToken);
            if (Interlocked.Exchange(ref countingLocally, 0) == 1)
            {
                logger.LogInformation("Rate limiter: Redis is available again; counting is shared by every replica");
            }
            return count;
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            Volatile.Write(ref redisSkippedUntil, (timeProvider.GetUtcNow() + RedisRetryInterval).UtcTicks);
            // The first clause names the endpoint, never the password; the rest is connection internals.
            SwitchToLocal(exception.Message.Split(';')[0]);
            return null;
        }
        finally
        {
            if (probe)
            {
                Volatile.Write(ref probing, 0);
            }
        }
    }

    private void SwitchToLocal(string reason)
    {
        if (Interlocked.Exchange(ref countingLocally, 1) == 0)
        {
            logger.LogWarning("Rate limiter: Redis unavailable ({Reason}); counting per replica in memory until it is back", reason);
        }
    }
}
