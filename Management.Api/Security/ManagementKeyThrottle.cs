using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;

namespace Relay.Management.Api.Security;

/// <summary>A decision about one request from a client address: go on, or wait <see cref="RetryAfter"/>.</summary>
public readonly record struct ThrottleDecision(bool IsThrottled, TimeSpan RetryAfter)
{
    public static readonly ThrottleDecision Allowed = new(false, TimeSpan.Zero);

    /// <summary>Whole seconds for <c>Retry-After</c>, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>
/// Throttles management key guessing per client address: after <see cref="ManagementKeyThrottleOptions.MaxFailures"/>
/// failed attempts in a window, every further request from that address is refused until the window ends, the
/// right key included, so a throttled guesser gets no free guess. Counted in Redis for every replica together;
/// in memory while Redis is unreachable (each replica then counts on its own).
/// </summary>
/// <param name="shared">Redis (<see cref="RedisAuthFailureCounter"/>) in the service.</param>
public sealed class ManagementKeyThrottle(
    IAuthFailureCounter shared,
    MemoryAuthFailureCounter local,
    IOptions<ManagementKeyThrottleOptions> options,
    ManagementAuthTelemetry telemetry,
    ILogger<ManagementKeyThrottle> logger)
{
    private int countingInMemory;

    public async Task<ThrottleDecision> CheckAsync(string client, CancellationToken cancellationToken)
    {
        var failures = await CountAsync(counter => counter.PeekAsync(client, cancellationToken));
        if (failures.Count < options.Value.MaxFailures)
        {
            return ThrottleDecision.Allowed;
        }
        telemetry.Failed(ManagementAuthTelemetry.Throttled);
        return new ThrottleDecision(true, failures.Remaining);
    }

    /// <param name="outcome"><see cref="ManagementAuthTelemetry.MissingKey"/> or <see cref="ManagementAuthTelemetry.InvalidKey"/>.</param>
    public async Task RecordFailureAsync(string client, string outcome, CancellationToken cancellationToken)
    {
        telemetry.Failed(outcome);
        var failures = await CountAsync(counter => counter.AddAsync(client, options.Value.Window, cancellationToken));
        if (failures.Count == options.Value.MaxFailures)
        {
            // Once per address and window, not per refused request.
            logger.LogWarning("Management key throttle: {Client} reached {Failures} failed attempts; refused for {Seconds} s",
                client, failures.Count, (int)Math.Ceiling(failures.Remaining.TotalSeconds));
        }
    }

    private async Task<AuthFailures> CountAsync(Func<IAuthFailureCounter, Task<AuthFailures>> count)
    {
        if (shared.IsAvailable)
        {
            try
            {
                var failures = await count(shared);
                if (Interlocked.Exchange(ref countingInMemory, 0) == 1)
                {
                    logger.LogInformation("Management key throttle counts in Redis again");
                }
                return failures;
            }
            catch (Exception exception) when (exception.IsRedisFailure())
            {
                if (Interlocked.Exchange(ref countingInMemory, 1) == 0)
                {
                    logger.LogWarning("Management key throttle counts in memory: Redis unavailable ({Message})", exception.Message);
                }
            }
        }
        else if (Interlocked.Exchange(ref countingInMemory, 1) == 0)
        {
            logger.LogWarning("Management key throttle counts in memory: Redis is not connected");
        }
        return await count(local);
    }
}
