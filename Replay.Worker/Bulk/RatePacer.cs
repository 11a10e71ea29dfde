namespace Relay.Replay.Worker.Bulk;

/// <summary>
/// Spaces a bulk replay's pages so the job averages at most its rate: once n events are replayed, the next page may
/// start n / rate seconds after the schedule began, so the time a page took counts towards the wait. A job that fell
/// behind (a slow page, a database pause) does not catch up in a burst: its schedule starts again from now. Over any
/// stretch of time, a job therefore replays at most rate × seconds events plus one page.
/// </summary>
public sealed class RatePacer
{
    /// <summary>Pages are sized to about this much time at the job's rate, so even a slow job moves in small, even steps.</summary>
    public static readonly TimeSpan PageInterval = TimeSpan.FromMilliseconds(100);

    private readonly double eventsPerSecond;
    private readonly TimeProvider timeProvider;
    private long origin;
    private long events;

    public RatePacer(int eventsPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eventsPerSecond, 1);
        this.eventsPerSecond = eventsPerSecond;
        this.timeProvider = timeProvider;
        origin = timeProvider.GetTimestamp();
    }

    /// <summary>The events one page replays at <paramref name="eventsPerSecond"/>: about <see cref="PageInterval"/>'s worth, 1 to <paramref name="maxPageSize"/>.</summary>
    public static int PageSize(int eventsPerSecond, int maxPageSize) =>
        (int)Math.Clamp(Math.Ceiling(eventsPerSecond * PageInterval.TotalSeconds), 1, Math.Max(1, maxPageSize));

    /// <summary>Records a page of <paramref name="pageEvents"/> just replayed; returns how long to wait before the next one.</summary>
    public TimeSpan Next(int pageEvents)
    {
        events += pageEvents;
        var due = TimeSpan.FromSeconds(events / eventsPerSecond);
        var elapsed = timeProvider.GetElapsedTime(origin);
        if (elapsed >= due)
        {
            origin = timeProvider.GetTimestamp();
            events = 0;
            return TimeSpan.Zero;
        }
        return due - elapsed;
    }
}
