using System.Collections.Concurrent;
using System.Collections.Immutable;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>
/// One connection per process that LISTENs on the channels registered with <c>AddRelayPostgresNotifications</c> and
/// calls their subscribers when PostgreSQL notifies, so the database wakes a worker instead of the worker polling it.
/// The connection is reopened when it drops (a PostgreSQL restart, <c>pg_terminate_backend</c>), and every subscriber is
/// called each time it listens again: whatever was notified while nobody listened was missed.
/// </summary>
public sealed class PostgresNotifications(
    NpgsqlDataSource dataSource,
    IOptions<PostgresNotificationOptions> options,
    TimeProvider timeProvider,
    ILogger<PostgresNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, ImmutableArray<Action>> subscribers = new(StringComparer.Ordinal);
    private volatile int listenerProcessId;

    /// <summary>The backend process id of the listening connection, 0 while none is open (for tests and diagnostics).</summary>
    internal int ListenerProcessId => listenerProcessId;

    /// <summary>Calls <paramref name="onNotification"/> (which must not block) for each notification on <paramref name="channel"/> until disposed.</summary>
    public IDisposable Subscribe(string channel, Action onNotification)
    {
        if (!options.Value.Channels.Contains(channel))
        {
            throw new InvalidOperationException($"PostgreSQL channel '{channel}' is not listened to; register it with AddRelayPostgresNotifications.");
        }
        subscribers.AddOrUpdate(channel, _ => [onNotification], (_, current) => current.Add(onNotification));
        return new Subscription(() => subscribers.AddOrUpdate(channel, _ => [], (_, current) => current.Remove(onNotification)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Channels.Count == 0)
        {
            return;
        }
        var reconnectDelay = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => reconnectDelay = TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                reconnectDelay = TimeSpan.FromMilliseconds(Math.Clamp(reconnectDelay.TotalMilliseconds * 2, MinReconnectDelay.TotalMilliseconds, MaxReconnectDelay.TotalMilliseconds));
                logger.LogWarning("Listening for PostgreSQL notifications failed ({Message}); reconnecting in {Delay}", exception.Message, reconnectDelay);
                try
                {
                    await Task.Delay(reconnectDelay, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(Action onListening, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, notification) => Notify(notification.Channel);
        try
        {
            foreach (var channel in options.Value.Channels)
            {
                await connection.ExecuteAsync(new CommandDefinition($"LISTEN \"{channel}\"", cancellationToken: cancellationToken));
            }
            listenerProcessId = connection.ProcessID;
            onListening();
            foreach (var channel in options.Value.Channels)
            {
                Notify(channel);
            }
            while (true)
            {
                if (!await connection.WaitAsync(options.Value.ConnectionCheckInterval, cancellationToken))
                {
                    // Quiet for a while: a connection whose server went away without a word would never end the wait.
                    await connection.ExecuteAsync(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
                }
            }
        }
        finally
        {
            listenerProcessId = 0;
            // Pooled connections are not reset (NoResetOnClose): one handed back must not keep listening.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                try
                {
                    await connection.ExecuteAsync("UNLISTEN *");
                }
                catch (NpgsqlException)
                {
                    // It broke after all, and a broken connection is not pooled.
                }
            }
        }
    }

    internal void Notify(string channel)
    {
        if (subscribers.TryGetValue(channel, out var actions))
        {
            foreach (var action in actions)
            {
                action();
            }
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }
}
