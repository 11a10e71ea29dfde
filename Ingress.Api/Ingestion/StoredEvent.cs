namespace Relay.Ingress.Api.Ingestion;

/// <summary>What became of one webhook's write: the event that carries its idempotency key, and whether that is an earlier one.</summary>
public readonly record struct StoredEvent(Guid EventId, bool Duplicate);
