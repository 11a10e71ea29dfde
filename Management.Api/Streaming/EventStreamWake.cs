using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Messaging;

namespace Relay.Management.Api.Streaming;

/// <summary>
/// Wakes this process's live tails when events may have been accepted. Ingest writes its outbox rows in the statement
/// that writes the events, and migration 013's trigger notifies <c>relay_outbox</c> once per committed transaction;
/// the process's one LISTEN connection (<see cref="PostgresNotifications"/>, shared with the outbox publisher) passes
/// the notification on, at most once per <see cref="EventStreamOptions.NotificationWakeInterval"/>, to every open
/// stream. It listens only while a stream is open. It also bounds how many streams read the database at once.
/// </summary>
public sealed class EventStreamWake : IDisposable
{
    private readonly PostgresNotifications notifications;
    private readonly CoalescingWake coalescing;
    private readonly SemaphoreSlim reads;
    private readonly Lock gate = new();
    private ImmutableArray<StreamSignal> streams = [];
    private IDisposable? subscription;

    public EventStreamWake(PostgresNotifications notifications, IOptions<EventStreamOptions> options, TimeProvider timeProvider)
    {
        this.notifications = notifications;
        coalescing = new CoalescingWake(WakeAll, options.Value.NotificationWakeInterval, timeProvider);
        reads = new SemaphoreSlim(options.Value.MaxConcurrentReads, options.Value.MaxConcurrentReads);
    }

    /// <summary>Streams open in this process.</summary>
    public int OpenStreams => streams.Length;

    /// <summary>Registers an opening stream; disposing the signal unregisters it.</summary>
    public StreamSignal Register()
    {
        var signal = new StreamSignal(Unregister);
        lock (gate)
        {
            streams = streams.Add(signal);
            subscription ??= notifications.Subscribe(OutboxPublisher.NotificationChannel, coalescing.Notify);
        }
        return signal;
    }

    /// <summary>Runs one stream's read once fewer than <see cref="EventStreamOptions.MaxConcurrentReads"/> others are reading.</summary>
    public async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await reads.WaitAsync(cancellationToken);
        try
        {
            return await read(cancellationToken);
        }
        finally
        {
            reads.Release();
        }
    }

    private void Unregister(StreamSignal signal)
    {
        lock (gate)
        {
            streams = streams.Remove(signal);
            if (streams.IsEmpty)
            {
                subscription?.Dispose();
                subscription = null;
            }
        }
    }

    private void WakeAll()
    {
        foreach (var stream in streams)
        {
            stream.Notify();
        }
    }

    public void Dispose()
    {
        subscription?.Dispose();
        coalescing.Dispose();
        reads.Dispose();
    }
}
