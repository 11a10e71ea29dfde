using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relay.Infrastructure.Redis;

/// <summary>Readiness probe: a PING through the shared client, reporting its round-trip time.</summary>
public sealed class RedisHealthCheck(IRedisClient redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var roundTrip = await redis.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING answered in {roundTrip.TotalMilliseconds:0.0} ms"));
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
            // Only the message: the client's messages name host and port but never the password, and the
            // exception object itself is left out so no inner detail reaches a health endpoint.
            return HealthCheckResult.Unhealthy($"Redis PING failed: {exception.Message}");
        }
    }
}
