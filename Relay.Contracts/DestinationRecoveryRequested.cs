namespace Relay.Contracts;

/// <summary>An operator asked for a destination's failed deliveries since a time to be sent again; Delivery.Worker does it.</summary>
public sealed record DestinationRecoveryRequested(Guid RecoveryId, Guid DestinationId, DateTimeOffset Since, string RequestedBy);
