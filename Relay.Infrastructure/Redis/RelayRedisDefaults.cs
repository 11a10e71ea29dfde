using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace Relay.Infrastructure.Redis;

/// <summary>
/// What Relay assumes for settings that <c>ConnectionStrings:redis</c> leaves out. Redis only speeds Relay up (PostgreSQL
/// holds the truth), so a service starts without it, and a command fails within a second rather than hold a request.
/// </summary>
public sealed class RelayRedisDefaults : DefaultOptionsProvider
{
    /// <summary>Start without Redis and keep reconnecting in the background.</summary>
    public override bool AbortOnConnectFail => false;

    /// <summary>Room for a TLS handshake in a process that is still starting up.</summary>
    public override TimeSpan? ConnectTimeout => TimeSpan.FromSeconds(2);

    /// <summary>
    /// One attempt while the host starts, so a server that accepts but never answers delays the start by the connect
    /// timeout only; later attempts run in the background.
    /// </summary>
    public override int ConnectRetry => 1;

    /// <summary>
    /// Also the asynchronous timeout, which follows it unless the connection string sets <c>asyncTimeout</c>. Redis answers
    /// in well under a millisecond, but on a saturated machine the answer waits for a thread: at one second, ./bench.sh
    /// timed out (and skipped) most rate-limit checks. A server that stopped answering costs a request at most this,
    /// once per command.
    /// </summary>
    public override TimeSpan SyncTimeout => TimeSpan.FromSeconds(2);

    /// <summary>Timeouts and reconnects are checked on the heartbeat.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);


    /// <inheritdoc cref="Heartbeat"/>
    public override TimeSpan HeartbeatInterval => Heartbeat;

    /// <summary>Without a connection a command fails at once instead of waiting in a queue for a reconnect.</summary>
    public override BacklogPolicy BacklogPolicy => BacklogPolicy.FailFast;

    /// <summary>
    /// Try to reconnect on every heartbeat (the interval is half of one, so a heartbeat that comes a little early still
    /// qualifies): after an outage, Redis is back in use within about half a second of its return. A steady interval, not an
    /// exponential one: a refused connection costs nothing, and a backoff that grew through a restart kept Relay off a
    /// server that was back for up to five seconds.
    /// </summary>
    public override IReconnectRetryPolicy ReconnectRetryPolicy => new LinearRetry((int)(Heartbeat / 2).TotalMilliseconds);
}
