using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Relay.Infrastructure.Redis;

/// <summary>Readiness probe: a PING through the shared connection, reporting its round-trip time.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer connection, IDatabase redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PingAsync(cancellationToken);
        }
        catch (RedisConnectionException)
        {
            // The connection a restart dropped says nothing about the server now: reconnect at once instead of waiting
            // for the client's next heartbeat, and ask again.
            try
            {
                await connection.ConfigureAsync().WaitAsync(cancellationToken);
                return await PingAsync(cancellationToken);
            }
            catch (Exception exception) when (exception.IsRedisFailure())
            {
                return Unhealthy(exception);
            }
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            return Unhealthy(exception);
        }
    }

    private async Task<HealthCheckResult> PingAsync(CancellationToken cancellationToken)
    {
        var roundTrip = await redis.PingAsync().WaitAsync(cancellationToken);
        return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING answered in {roundTrip.TotalMilliseconds:0.0} ms"));
    }

    // The first clause of the client's message (it names the endpoint but never the password; the rest is connection
    // internals); the exception object is left out so no inner detail reaches a health endpoint.
    private static HealthCheckResult Unhealthy(Exception exception) =>
        HealthCheckResult.Unhealthy($"Redis PING failed: {exception.Message.Split(';')[0]}");
}
