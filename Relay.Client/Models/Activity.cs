namespace Relay.Client;

/// <summary>Activity per minute between <see cref="From"/> (the first bucket's start) and <see cref="To"/> (the time of the read).</summary>
public sealed record Activity(DateTimeOffset From, DateTimeOffset To, int BucketSeconds, IReadOnlyList<ActivityBucket> Buckets, ActivityTotals Totals);

/// <summary>
/// One minute: events accepted, deliveries that succeeded, failed attempts, deliveries that gave up, and the time from
/// an event's arrival to its successful delivery (p50/p95, null when nothing was delivered).
/// </summary>
public sealed record ActivityBucket(
    DateTimeOffset Start, int Accepted, int Delivered, int FailedAttempts, int Exhausted, int? LatencyP50Ms, int? LatencyP95Ms);

/// <summary>The window's sums.</summary>
public sealed record ActivityTotals(int Accepted, int Delivered, int FailedAttempts, int Exhausted);
