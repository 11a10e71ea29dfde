namespace Relay.Client;

/// <summary>A recovery of a destination's failed deliveries and its progress; status: queued, running, completed, failed.</summary>
public sealed record Recovery(
    Guid Id, Guid DestinationId, DateTimeOffset Since, string RequestedBy, string Status, int? Total, int Requeued, long Succeeded, long Failed,
    long Pending, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);
