namespace Relay.Contracts;

// Messages between Relay's services. They travel through the transactional outbox, so every one
// carries the ids a consumer needs to find its state in PostgreSQL and nothing that could go stale.

/// <summary>Ingress stored a new event; Delivery.Worker should deliver it.</summary>
public sealed record EventAccepted(Guid EventId, string Provider, string CorrelationId, DateTimeOffset AcceptedAt);
