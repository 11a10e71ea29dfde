using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Relay.Infrastructure.Redis;

/// <summary>
/// Multiplexed RESP2 client: all concurrent callers share one connection and their commands are pipelined.
/// Connects on first use and again after the connection breaks. Commands are never retried once handed to
/// a connection (INCR is not idempotent), so a command in flight when the connection drops fails with
/// <see cref="RedisConnectionException"/> and the next command reconnects.
/// </summary>
public sealed class RespRedisClient : IRedisClient, IAsyncDisposable
{
    private readonly RedisClientOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Lock connectGate = new();
    private readonly CancellationTokenSource disposal = new();

    // The current connection, or the attempt to make it. Concurrent callers share one attempt, so a burst of
    // requests against an unreachable server costs one connect timeout, not one each.
    private Task<RespConnection>? connecting;
    private bool disposed;

    public RespRedisClient(RedisClientOptions options, TimeProvider timeProvider, ILogger<RespRedisClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ConnectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options.ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero, nameof(options.CommandTimeout));
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger ?? NullLogger<RespRedisClient>.Instance;
    }

    public string KeyPrefix => options.KeyPrefix;

    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var reply = await ExecuteAsync(["PING"], cancellationToken).ConfigureAwait(false);
        if (reply.Type != RespType.SimpleString || reply.Text != "PONG")
        {
            throw UnexpectedReply("PING", reply);
        }
        return timeProvider.GetElapsedTime(started);
    }

    public async Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan expiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var reply = await ExecuteAsync(["SET", PrefixedKey(key), value, "EX", ToSeconds(expiry), "NX"], cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            { Type: RespType.SimpleString, Text: "OK" } => true,
            { Type: RespType.BulkString, IsNull: true } => false, // NX and the key already exists
            _ => throw UnexpectedReply("SET", reply),
        };
    }

    public async Task<long> IncrementWithExpiryAsync(string key, TimeSpan expiry, CancellationToken cancellationToken)
    {
        var prefixedKey = PrefixedKey(key);
        // EXPIRE ... NX sets a TTL only when the key has none: the window starts at the first increment, and a
        // key left without TTL (the EXPIRE lost with a dropped connection) gets one on the next increment.
        var expire = new PendingCommand(["EXPIRE", prefixedKey, ToSeconds(expiry), "NX"]);
        var increment = new PendingCommand(["INCR", prefixedKey]) { Next = expire };
        await SendAsync(increment, cancellationToken).ConfigureAwait(false);
        var count = await WaitAsync(increment.Task, cancellationToken).ConfigureAwait(false);
        // Replies arrive in order, so this costs no extra round trip; it surfaces an EXPIRE error too
        // (e.g. a server older than Redis 7 that does not know NX).
        await WaitAsync(expire.Task, cancellationToken).ConfigureAwait(false);
        return count.Type == RespType.Integer ? count.Integer : throw UnexpectedReply("INCR", count);
    }

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var reply = await ExecuteAsync(["GET", PrefixedKey(key)], cancellationToken).ConfigureAwait(false);
        return reply.Type == RespType.BulkString ? reply.Text : throw UnexpectedReply("GET", reply);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var reply = await ExecuteAsync(["DEL", PrefixedKey(key)], cancellationToken).ConfigureAwait(false);
        return reply.Type == RespType.Integer ? reply.Integer > 0 : throw UnexpectedReply("DEL", reply);
    }

    public async Task<bool> SetAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] arguments = expiry is { } ttl
            ? ["SET", PrefixedKey(key), value, "EX", ToSeconds(ttl)]
            : ["SET", PrefixedKey(key), value];
        var reply = await ExecuteAsync(arguments, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            { Type: RespType.SimpleString, Text: "OK" } => true,
            { Type: RespType.BulkString, IsNull: true } => false,
            _ => throw UnexpectedReply("SET", reply),
        };
    }

    /// <summary>
    /// Sends any command as given (no key prefix) and returns the raw reply; error replies throw
    /// <see cref="RedisServerException"/>. For tests and diagnostics. A blocking command (BLPOP ...) must finish
    /// within the command timeout, or the connection is dropped as unresponsive.
    /// </summary>
    internal async Task<RespValue> ExecuteAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var command = new PendingCommand(arguments);
        await SendAsync(command, cancellationToken).ConfigureAwait(false);
        return await WaitAsync(command.Task, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task<RespConnection>? current;
        lock (connectGate)
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            current = connecting;
            connecting = null;
        }

        // Outside the lock: cancelling runs the connect attempt's callbacks synchronously.
        await disposal.CancelAsync().ConfigureAwait(false);
        if (current is not null)
        {
            try
            {
                var connection = await current.ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisConnectionException)
            {
                // The attempt failed (or was abandoned because of this disposal); there is nothing to close.
            }
        }
    }

    private async ValueTask SendAsync(PendingCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A connection can close between being handed out and accepting the command; then nothing was sent,
        // so trying once more on a fresh connection is safe even for INCR.
        for (var attempt = 1; ; attempt++)
        {
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (connection.TrySend(command))
            {
                return;
            }
            if (attempt == 2)
            {
                throw new RedisConnectionException($"Redis connection closed before {command.Name} could be sent.");
            }
        }
    }

    private static async Task<T> WaitAsync<T>(Task<T> reply, CancellationToken cancellationToken)
    {
        // A cancelled caller only stops waiting: the command stays in the pipeline and its reply is still read
        // and discarded in order, so later replies stay matched to their commands.
        return cancellationToken.CanBeCanceled
            ? await reply.WaitAsync(cancellationToken).ConfigureAwait(false)
            : await reply.ConfigureAwait(false);
    }

    private ValueTask<RespConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref connecting);
        if (current is { IsCompletedSuccessfully: true } && current.Result.IsOpen)
        {
            return ValueTask.FromResult(current.Result);
        }
        return new ValueTask<RespConnection>(ConnectOrJoinAsync(cancellationToken));
    }

    private async Task<RespConnection> ConnectOrJoinAsync(CancellationToken cancellationToken)
    {
        Task<RespConnection> attempt;
        lock (connectGate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var existing = connecting;
            if (existing is not null && (!existing.IsCompleted || (existing.IsCompletedSuccessfully && existing.Result.IsOpen)))
            {
                attempt = existing; // join the attempt in progress, or take the connection another caller just made
            }
            else
            {
                // No connection yet, the last attempt failed, or the connection broke (it has already failed its
                // own commands and released its socket): start over.
                attempt = RespConnection.ConnectAsync(options, timeProvider, logger, disposal.Token);
                // Observe a failure even if every caller waiting on it was cancelled meanwhile.
                _ = attempt.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                connecting = attempt;
            }
        }
        return await attempt.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string PrefixedKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return options.KeyPrefix.Length == 0 ? key : options.KeyPrefix + key;
    }

    // EX takes whole seconds; rounding up never makes a key live shorter than asked.
    private static string ToSeconds(TimeSpan expiry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiry, TimeSpan.Zero, nameof(expiry));
        return ((long)Math.Ceiling(expiry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static RedisException UnexpectedReply(string command, RespValue reply) =>
        new($"Unexpected reply type {reply.Type} to {command}.");
}
