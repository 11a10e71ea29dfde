namespace Relay.Client;

/// <summary>One destination's delivery of an event: pending, processing, succeeded, retrying or failed. A null <c>nextAttemptAt</c> while pending means held (the destination is paused or disabled).</summary>
public sealed record EventDelivery(
    Guid Id, Guid DestinationId, bool IsDefaultDestination, string Status, int Attempts, string? LastError, DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt, Guid? ReplayRequestId, Guid? RecoveryId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
