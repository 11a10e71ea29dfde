using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;
using StackExchange.Redis;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// A fixed one-minute window per provider and source IP, counted in Redis so every Ingress replica shares it.
/// If Redis is unreachable the limiter lets requests through: losing webhooks is worse than admitting a burst.
/// </summary>
public sealed class ProviderRateLimiter(IDatabase redis, IOptionsMonitor<RateLimitOptions> options, TimeProvider timeProvider, ILogger<ProviderRateLimiter> logger)
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

    public int PermitsPerMinute => options.CurrentValue.PermitsPerMinute;

    public async Task<RateLimitDecision> AcquireAsync(string provider, string sourceIp, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var window = now.ToUnixTimeSeconds() / 60;
        try
        {
            RedisKey[] key = [$"ratelimit:{provider}:{sourceIp}:{window}"];
            var count = (long)await redis.ScriptEvaluateAsync(CountInWindowScript, key, WindowSeconds).WaitAsync(cancellationToken);
            var retryAfter = TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60);
            return new RateLimitDecision(count <= PermitsPerMinute, retryAfter);
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            logger.LogWarning("Rate limiter skipped: Redis unavailable ({Message})", exception.Message);
            return new RateLimitDecision(true, TimeSpan.Zero);
        }
    }
}
