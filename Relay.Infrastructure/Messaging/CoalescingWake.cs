namespace Relay.Infrastructure.Messaging;

/// <summary>
/// Passes wake-ups on at most once per interval; one arriving sooner is held until the interval is up, never
/// dropped. Under load every committed batch of every replica notifies, and a publisher that has nothing to
/// send (its own process writes nothing) would otherwise wake and query once per batch.
/// </summary>
public sealed class CoalescingWake : IDisposable
{
    private readonly Action wake;
    private readonly TimeSpan interval;
    private readonly TimeProvider timeProvider;
    private readonly ITimer timer;
    private readonly Lock gate = new();
    private long lastWake;
    private bool held;

    public CoalescingWake(Action wake, TimeSpan interval, TimeProvider timeProvider)
    {
        this.wake = wake;
        this.interval = interval;
        this.timeProvider = timeProvider;
        lastWake = timeProvider.GetTimestamp() - (long)(interval.TotalSeconds * timeProvider.TimestampFrequency) - 1;
        timer = timeProvider.CreateTimer(_ => Release(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Notify()
    {
        lock (gate)
        {
            if (held)
            {
                return; // the held wake-up covers this one
            }
            var due = interval - timeProvider.GetElapsedTime(lastWake);
            if (due > TimeSpan.Zero)
            {
                held = true;
                timer.Change(due, Timeout.InfiniteTimeSpan);
                return;
            }
            lastWake = timeProvider.GetTimestamp();
        }
        wake();
    }

    private void Release()
    {
        lock (gate)
        {
            held = false;
            lastWake = timeProvider.GetTimestamp();
        }
        wake();
    }

    public void Dispose() => timer.Dispose();
}
