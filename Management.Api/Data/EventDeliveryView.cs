namespace Relay.Management.Api.Data;

/// <summary>
/// One destination's delivery of an event: its own status (pending, processing, succeeded, retrying, failed),
/// attempts and next attempt. A <see cref="NextAttemptAt"/> of null while pending means held: the destination is
/// paused or disabled.
/// </summary>
public sealed record EventDeliveryView(
    Guid Id, Guid DestinationId, bool IsDefaultDestination, string Status, int Attempts, string? LastError,
    DateTime? LastAttemptAt, DateTime? NextAttemptAt, Guid? ReplayRequestId, Guid? RecoveryId, DateTime CreatedAt, DateTime UpdatedAt);
