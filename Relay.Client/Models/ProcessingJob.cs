namespace Relay.Client;

/// <summary>One processing job of an event (queue, trigger, status, attempt).</summary>
public sealed record ProcessingJob(
    Guid Id, Guid NormalizedEventId, string QueueName, string TriggeredBy, string Status, int AttemptNo, DateTimeOffset ScheduledAt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? ErrorMessage, DateTimeOffset CreatedAt);
