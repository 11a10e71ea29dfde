namespace Relay.Infrastructure.Redis;

/// <summary>
/// The few Redis operations Relay's services need. Every key is prefixed with the configured
/// <see cref="RedisClientOptions.KeyPrefix"/> so test runs sharing one server stay apart.
/// </summary>
public interface IRedisClient
{
    /// <summary>Sends PING and returns the round-trip time.</summary>
    Task<TimeSpan> PingAsync(CancellationToken cancellationToken);

    /// <summary><c>SET key value EX seconds NX</c>: true when the key was set, false when it already existed.</summary>
    Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>
    /// <c>INCR key</c> and <c>EXPIRE key seconds NX</c> pipelined in one write; returns the new count.
    /// The expiry is set only when the key has none, so a fixed window starts at the first increment.
    /// </summary>
    Task<long> IncrementWithExpiryAsync(string key, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary><c>GET key</c>: the value, or null when the key does not exist.</summary>
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary><c>DEL key</c>: true when a key was removed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary><c>SET key value [EX seconds]</c>: true when the server accepted the value.</summary>
    Task<bool> SetAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken);
}
