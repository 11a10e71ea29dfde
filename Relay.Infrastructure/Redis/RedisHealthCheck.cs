using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Infrastructure.Health;
using StackExchange.Redis;

namespace Relay.Infrastructure.Redis;

/// <summary>Readiness probe: a PING through the shared connection, reporting its round-trip time.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer connection, IDatabase redis, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>
    /// How long a check waits for the client to reconnect after a dropped connection: the client retries on every
    /// heartbeat, so a server that is back is connected within one; a saturated machine runs heartbeats and handshakes
    /// late (the fault run once needed more than four right after a full test suite, and once more than eight while
    /// other test runs shared the machine), hence sixteen (8 s). Redis is not part of the API services' readiness, so
    /// only the operator's health read waits.
    /// </summary>
    public static readonly TimeSpan ReconnectWait = 16 * RelayRedisDefaults.Heartbeat;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PingAsync(cancellationToken);
        }
        catch (RedisConnectionException)
        {
            // The connection a restart dropped says nothing about the server now. The client reconnects on its own
            // heartbeat (ConfigureAsync only waits for that, and returns at once while the client is already
            // reconnecting), so give it a heartbeat or two before reporting Redis down: the first check after a
            // restart tells the truth.
            try
            {
                var start = timeProvider.GetTimestamp();
                while (!connection.IsConnected && timeProvider.GetElapsedTime(start) < ReconnectWait)
                {
                    await Task.Delay(PollInterval, timeProvider, cancellationToken);
                }
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

    // For operators, the first clause of the client's message (the rest is connection internals) and the configured
    // endpoints (never the password); the exception object is left out so no inner detail reaches a health endpoint,
    // and the public sees only the kind of failure.
    private HealthCheckResult Unhealthy(Exception exception) =>
        PublicHealthDetail.Unhealthy($"Redis PING failed: {exception.Message.Split(';')[0]} (server {string.Join(", ", connection.GetEndPoints().Select(EndPointCollection.ToString))})", exception switch
        {
            RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => PublicHealthDetail.AuthenticationFailed,
            RedisTimeoutException => PublicHealthDetail.TimedOut,
            RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect or ConnectionFailureType.SocketFailure or ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.SocketClosed } => PublicHealthDetail.Unreachable,
            _ => PublicHealthDetail.Of(exception),
        });
}
