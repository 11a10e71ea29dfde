namespace Relay.Delivery.Worker.Scheduling;

/// <summary>
/// Wakes the <see cref="DeliveryScheduler"/> early when this worker makes something due sooner than the scheduler
/// knew: a retry scheduled, a delivery deferred, held deliveries released. The scheduler sleeps until the earliest
/// of these, of what the database said, and of its maximum sleep; so an idle worker makes almost no queries.
/// </summary>
public sealed class SchedulerWakeup(TimeProvider timeProvider)
{
    private readonly Lock sync = new();
    private DateTimeOffset earliest = DateTimeOffset.MaxValue;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Something becomes due at <paramref name="at"/>.</summary>
    public void DueAt(DateTimeOffset at)
    {
        lock (sync)
        {
            if (at < earliest)
            {
                earliest = at;
                changed.TrySetResult();
            }
        }
    }

    /// <summary>Something is due now.</summary>
    public void DueNow() => DueAt(timeProvider.GetUtcNow());

    /// <summary>Forgets what was signalled: the sweep about to start covers it (what is signalled from now on is kept).</summary>
    public void Reset()
    {
        lock (sync)
        {
            earliest = DateTimeOffset.MaxValue;
        }
    }

    /// <summary>Waits until <paramref name="until"/> or the earliest time signalled, whichever comes first.</summary>
    public async Task WaitAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signalled;
            DateTimeOffset wakeAt;
            lock (sync)
            {
                wakeAt = earliest < until ? earliest : until;
                if (changed.Task.IsCompleted)
                {
                    changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                signalled = changed.Task;
            }
            var wait = wakeAt - timeProvider.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, timeProvider, timer.Token);
            var first = await Task.WhenAny(signalled, delay);
            await timer.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (first == delay)
            {
                return;
            }
            // An earlier time was signalled: wait for that instead.
        }
    }
}
