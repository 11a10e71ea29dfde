namespace Relay.Management.Api.Data;

/// <summary>
/// A recovery: the failed deliveries it covers (<see cref="Total"/>, counted when it starts), how many it has sent
/// again so far (<see cref="Requeued"/>), and what became of them (<see cref="Succeeded"/>, <see cref="Failed"/>,
/// <see cref="Pending"/> still on their way). Status: queued, running (requeueing), completed (all requeued), failed.
/// </summary>
public sealed record RecoveryView(
    Guid Id, Guid DestinationId, DateTime Since, string RequestedBy, string Status, int? Total, int Requeued,
    long Succeeded, long Failed, long Pending, string? Error, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt);
