namespace Relay.Management.Api.Data;

public sealed record EventStatusView(Guid EventId, string Status, int ProcessingAttempts, string? LastError, DateTime? LastProcessedAt, IReadOnlyList<ProcessingJobView> Jobs);
