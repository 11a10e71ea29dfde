namespace Relay.Management.Api.Data;

/// <summary>One minute of activity, from <see cref="Start"/>.</summary>
/// <param name="Accepted">Events received (webhooks and published events).</param>
/// <param name="Delivered">Successful delivery attempts, by when they succeeded.</param>
/// <param name="FailedAttempts">Failed delivery attempts (a retried delivery counts each).</param>
/// <param name="Exhausted">Deliveries that gave up (status failed) in this minute.</param>
/// <param name="LatencyP50Ms">Median time from receiving an event to its successful delivery attempts in this minute; null without one.</param>
/// <param name="LatencyP95Ms">The 95th percentile of the same; null without one.</param>
public sealed record ActivityBucket(
    DateTime Start, int Accepted, int Delivered, int FailedAttempts, int Exhausted, long? LatencyP50Ms, long? LatencyP95Ms);
