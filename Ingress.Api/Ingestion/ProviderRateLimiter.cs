using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// A fixed one-minute window per provider and source IP, counted in Redis so every Ingress replica shares it.
/// If Redis is unreachable the limiter lets requests through: losing webhooks is worse than admitting a burst.
/// </summary>
public sealed class ProviderRateLimiter(IRedisClient redis, IOptionsMonitor<RateLimitOptions> options, TimeProvider timeProvider, ILogger<ProviderRateLimiter> logger)
{
    public int PermitsPerMinute => options.CurrentValue.PermitsPerMinute;

    public async Task<RateLimitDecision> AcquireAsync(string provider, string sourceIp, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var window = now.ToUnixTimeSeconds() / 60;
        try
        {
            var count = await redis.IncrementWithExpiryAsync($"ratelimit:{provider}:{sourceIp}:{window}", TimeSpan.FromSeconds(61), cancellationToken);
            var retryAfter = TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60);
            return new RateLimitDecision(count <= PermitsPerMinute, retryAfter);
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisServerException or TimeoutException)
        {
            logger.LogWarning("Rate limiter skipped: Redis unavailable ({Message})", exception.Message);
            return new RateLimitDecision(true, TimeSpan.Zero);
        }
    }
}

public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);
