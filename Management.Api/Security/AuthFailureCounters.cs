using Relay.Infrastructure.Redis;
using StackExchange.Redis;

namespace Relay.Management.Api.Security;

/// <summary>An address's failed key attempts in its current window, and how long that window has left.</summary>
public readonly record struct AuthFailures(long Count, TimeSpan Remaining)
{
    public static readonly AuthFailures None = new(0, TimeSpan.Zero);
}

/// <summary>Where failed attempts are counted: Redis, shared by every replica, or this process's memory.</summary>
public interface IAuthFailureCounter
{
    /// <summary>False when asking would only wait for a timeout (Redis disconnected).</summary>
    bool IsAvailable { get; }

    Task<AuthFailures> PeekAsync(string client, CancellationToken cancellationToken);

    /// <summary>Counts one failure; the first one of a window starts it.</summary>
    Task<AuthFailures> AddAsync(string client, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>A fixed window per address in Redis (key <c>management-auth-failures:{address}</c> under Relay's key prefix).</summary>
public sealed class RedisAuthFailureCounter(IConnectionMultiplexer connection, IDatabase redis) : IAuthFailureCounter
{
    // Count and remaining milliseconds in one round trip.
    private const string PeekScript = """
        local count = redis.call('GET', KEYS[1])
        if not count then return {0, 0} end
        return {tonumber(count), redis.call('PTTL', KEYS[1])}
        """;

    // INCR, then PEXPIRE only while the key has no TTL: the window starts at the first failure, and a counter that
    // ever lost its TTL gets one on the next failure instead of counting forever.
    private const string AddScript = """
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        return {count, ttl}
        """;

    public bool IsAvailable => connection.IsConnected;

    public static RedisKey KeyOf(string client) => $"management-auth-failures:{client}";

    public async Task<AuthFailures> PeekAsync(string client, CancellationToken cancellationToken) =>
        Read(await redis.ScriptEvaluateAsync(PeekScript, [KeyOf(client)]).WaitAsync(cancellationToken));

    public async Task<AuthFailures> AddAsync(string client, TimeSpan window, CancellationToken cancellationToken) =>
        Read(await redis.ScriptEvaluateAsync(AddScript, [KeyOf(client)], [(long)window.TotalMilliseconds]).WaitAsync(cancellationToken));

    private static AuthFailures Read(RedisResult result)
    {
        var values = (long[])result!;
        return new AuthFailures(values[0], TimeSpan.FromMilliseconds(Math.Max(values[1], 0)));
    }
}

/// <summary>
/// The same windows in this process's memory, for while Redis is unreachable: each replica then counts on its own,
/// which still stops a guessing run. Bounded, so an attacker with many addresses cannot grow it without limit; when
/// full of live windows, a new address is not counted until some expire.
/// </summary>
public sealed class MemoryAuthFailureCounter(TimeProvider timeProvider) : IAuthFailureCounter
{
    public const int MaxAddresses = 100_000;

    private readonly Dictionary<string, (long Count, DateTimeOffset Ends)> windows = new(StringComparer.Ordinal);
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;

    public bool IsAvailable => true;

    public int TrackedAddresses
    {
        get
        {
            lock (windows)
            {
                return windows.Count;
            }
        }
    }

    public Task<AuthFailures> PeekAsync(string client, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (windows)
        {
            return Task.FromResult(windows.TryGetValue(client, out var window) && window.Ends > now
                ? new AuthFailures(window.Count, window.Ends - now)
                : AuthFailures.None);
        }
    }

    public Task<AuthFailures> AddAsync(string client, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (windows)
        {
            if (!windows.TryGetValue(client, out var current) || current.Ends <= now)
            {
                if (windows.Count >= MaxAddresses && !RemoveExpired(now))
                {
                    return Task.FromResult(AuthFailures.None);
                }
                current = (0, now + window);
            }
            current = (current.Count + 1, current.Ends);
            windows[client] = current;
            return Task.FromResult(new AuthFailures(current.Count, current.Ends - now));
        }
    }

    // At most one sweep a second: a full table of live windows must not make every new address cost a full scan.
    private bool RemoveExpired(DateTimeOffset now)
    {
        if (now - lastSweep < TimeSpan.FromSeconds(1))
        {
            return false;
        }
        lastSweep = now;
        foreach (var (client, window) in windows)
        {
            if (window.Ends <= now)
            {
                windows.Remove(client);
            }
        }
        return windows.Count < MaxAddresses;
    }
}
