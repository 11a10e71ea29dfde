namespace Relay.Client;

/// <summary>An event's processing status with its jobs (<c>GET /events/{id}/status</c>).</summary>
public sealed record EventStatus(Guid EventId, string Status, int ProcessingAttempts, string? LastError, DateTimeOffset? LastProcessedAt, IReadOnlyList<ProcessingJob> Jobs);
