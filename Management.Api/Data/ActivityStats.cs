namespace Relay.Management.Api.Data;

/// <summary>
/// Activity per minute for a dashboard's charts: one bucket for every minute from <see cref="From"/>, oldest first, the
/// last one the current minute (still filling at <see cref="To"/>, the time of the read); a minute without activity
/// has zeros.
/// </summary>
public sealed record ActivityStats(DateTime From, DateTime To, int BucketSeconds, IReadOnlyList<ActivityBucket> Buckets, ActivityTotals Totals)
{
    public const int MinuteSeconds = 60;

    public static ActivityStats Of(DateTime from, DateTime to, IReadOnlyList<ActivityBucket> buckets) => new(
        from, to, MinuteSeconds, buckets,
        new ActivityTotals(buckets.Sum(b => b.Accepted), buckets.Sum(b => b.Delivered), buckets.Sum(b => b.FailedAttempts), buckets.Sum(b => b.Exhausted)));
}
