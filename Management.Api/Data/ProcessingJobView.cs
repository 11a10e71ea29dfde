namespace Relay.Management.Api.Data;

public sealed record ProcessingJobView(
    Guid Id,
    Guid NormalizedEventId,
    string QueueName,
    string TriggeredBy,
    string Status,
    int AttemptNo,
    DateTime ScheduledAt,
    DateTime? StartedAt,
    DateTime? CompletedAt,
    string? ErrorMessage,
    DateTime CreatedAt);
