namespace Relay.Contracts;

// Messages between Relay's services. They travel through the transactional outbox, so every one
// carries the ids a consumer needs to find its state in PostgreSQL and nothing that could go stale.

/// <summary>Ingress stored a new event; Delivery.Worker should deliver it.</summary>
public sealed record EventAccepted(Guid EventId, string Provider, string CorrelationId, DateTimeOffset AcceptedAt);

/// <summary>An operator asked for an event to be delivered again; Replay.Worker dispatches it.</summary>
public sealed record ReplayRequested(Guid ReplayRequestId, Guid EventId, string RequestedBy, string CorrelationId, DateTimeOffset RequestedAt);

/// <summary>Replay.Worker reset an event for a fresh delivery run; Delivery.Worker should deliver it.</summary>
public sealed record EventReplayed(Guid EventId, Guid ReplayRequestId, string CorrelationId, DateTimeOffset ReplayedAt);
