namespace Relay.Contracts;

/// <summary>An operator resumed a paused or disabled destination; Delivery.Worker releases the deliveries it held for it.</summary>
public sealed record DestinationResumed(Guid DestinationId, string RequestedBy, DateTimeOffset ResumedAt);
