namespace Relay.Contracts;

/// <summary>An operator asked for an event to be delivered again; Replay.Worker dispatches it.</summary>
public sealed record ReplayRequested(Guid ReplayRequestId, Guid EventId, string RequestedBy, string CorrelationId, DateTimeOffset RequestedAt);
