namespace Relay.Management.Api.Data;

/// <summary>A <c>normalized_events</c> row as the event routes read it (<see cref="EventQueryRepository"/>'s columns).</summary>
internal sealed record EventRow(
    Guid Id,
    Guid WebhookEventId,
    Guid IntegrationId,
    string Provider,
    string EventType,
    string? Subject,
    DateTime OccurredAt,
    string NormalizedPayload,
    string Status,
    int ProcessingAttempts,
    string? LastError,
    DateTime? LastProcessedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime ReceivedAt)
{
    public EventView ToView() => new(
        // Npgsql reads ±infinity (stored before ingest refused the dates that make it) as DateTime.MinValue/MaxValue
        // without a kind; the column is UTC either way, so it is answered with its "Z".
        Id, WebhookEventId, IntegrationId, Provider, EventType, Subject, DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc), JsonColumn.Parse(NormalizedPayload),
        Status, ProcessingAttempts, LastError, LastProcessedAt, CreatedAt, UpdatedAt, ReceivedAt);
}
