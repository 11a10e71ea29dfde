using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Relay.Infrastructure.Redis;

/// <summary>Readiness probe: a PING through the shared connection, reporting its round-trip time.</summary>
public sealed class RedisHealthCheck(IDatabase redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var roundTrip = await redis.PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING answered in {roundTrip.TotalMilliseconds:0.0} ms"));
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            // Only the message, which names the endpoint but never the password; the exception object is left out so no
            // inner detail reaches a health endpoint.
            return HealthCheckResult.Unhealthy($"Redis PING failed: {exception.Message}");
        }
    }
}
