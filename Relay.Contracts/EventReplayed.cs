namespace Relay.Contracts;

/// <summary>Replay.Worker reset an event for a fresh delivery run; Delivery.Worker should deliver it.</summary>
public sealed record EventReplayed(Guid EventId, Guid ReplayRequestId, string CorrelationId, DateTimeOffset ReplayedAt);
