using System.Text.Json;

namespace Relay.Management.Api.Data;

// What the management routes answer. Field names are the camelCase of the table columns; jsonb columns are
// embedded as JSON values (not strings) and timestamps are UTC DateTimes (ISO-8601 with "Z" on the wire).

public sealed record IntegrationView(Guid Id, string Provider, string Name, string CallbackUrl, bool IsActive, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record EventView(
    Guid Id,
    Guid WebhookEventId,
    Guid IntegrationId,
    string Provider,
    string EventType,
    string? Subject,
    DateTime OccurredAt,
    JsonElement NormalizedPayload,
    string Status,
    int ProcessingAttempts,
    string? LastError,
    DateTime? LastProcessedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime ReceivedAt);

public sealed record WebhookView(
    string? ExternalEventId,
    string IdempotencyKey,
    bool SignatureValid,
    JsonElement RequestHeaders,
    JsonElement RawPayload,
    string? SourceIp,
    DateTime ReceivedAt);

public sealed record DeliveryAttemptView(
    Guid Id,
    Guid NormalizedEventId,
    Guid IntegrationId,
    int AttemptNo,
    string Status,
    int? HttpStatus,
    string? ResponseBody,
    string? ErrorMessage,
    int DurationMs,
    DateTime CreatedAt);

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

public sealed record AuditEntryView(long Id, string EntityType, Guid EntityId, string Action, string Actor, JsonElement Details, DateTime CreatedAt);

/// <param name="FailureReason">Why a failed request failed (its delivery run's last error, or the replay that superseded it); null otherwise.</param>
public sealed record ReplayRequestView(
    Guid Id, Guid EventId, string RequestedBy, string Reason, string Status, string? FailureReason, DateTime CreatedAt, DateTime? ProcessedAt);

public sealed record EventDetail(
    EventView Event,
    WebhookView Webhook,
    IReadOnlyList<DeliveryAttemptView> DeliveryAttempts,
    IReadOnlyList<ProcessingJobView> ProcessingJobs,
    IReadOnlyList<ReplayRequestView> ReplayRequests);

public sealed record EventStatusView(Guid EventId, string Status, int ProcessingAttempts, string? LastError, DateTime? LastProcessedAt, IReadOnlyList<ProcessingJobView> Jobs);

public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total)
{
    public PageOf<TView> Select<TView>(Func<T, TView> map) => new(Items.Select(map).ToList(), Total);
}
