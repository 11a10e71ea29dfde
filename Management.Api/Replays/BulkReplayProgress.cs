namespace Relay.Management.Api.Replays;

/// <summary>The derived figures of a bulk replay's progress: how far it is, and how long the rest should take.</summary>
public static class BulkReplayProgress
{
    /// <summary>
    /// Of the total, the share done (replayed or skipped), 0-100 with one decimal; 100 once completed. More events than
    /// counted can be replayed (a status filter can match events that changed status meanwhile), so it is capped.
    /// </summary>
    public static double Percent(string status, int total, int replayed, int skipped)
    {
        if (status == "completed")
        {
            return 100;
        }
        return total <= 0 ? 0 : Math.Min(100, Math.Round(100.0 * (replayed + skipped) / total, 1));
    }

    /// <summary>
    /// The seconds the events not yet replayed should take at the job's rate, or at the rate achieved since it started
    /// when that is slower; null when the job is finished.
    /// </summary>
    public static double? EstimatedSecondsRemaining(string status, int total, int replayed, int eventsPerSecond, DateTimeOffset? startedAt, DateTimeOffset now)
    {
        if (status is not ("queued" or "running"))
        {
            return null;
        }
        var remaining = Math.Max(total - replayed, 0);
        double rate = Math.Max(eventsPerSecond, 1);
        if (startedAt is { } started && replayed > 0 && now - started >= TimeSpan.FromSeconds(1))
        {
            rate = Math.Min(rate, replayed / (now - started).TotalSeconds);
        }
        return Math.Round(remaining / rate, 1);
    }
}
