namespace Relay.Delivery.Worker.Persistence;

/// <summary>
/// A delivery as read before it is claimed: the event, the destination it goes to and that destination's state.
/// Timestamps are UTC <see cref="DateTime"/>s, as Npgsql reads timestamptz.
/// </summary>
public sealed record DeliveryCandidate
{
    public Guid DeliveryId { get; init; }
    public Guid EventId { get; init; }
    public Guid IntegrationId { get; init; }
    public string Provider { get; init; } = "";
    public string EventType { get; init; } = "";
    public string Payload { get; init; } = "";
    public string CorrelationId { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public int AttemptBudgetStart { get; init; }
    public Guid? ReplayRequestId { get; init; }
    public Guid? RecoveryId { get; init; }
    public bool IntegrationActive { get; init; }

    public Guid DestinationId { get; init; }
    public bool IsDefault { get; init; }
    public string Url { get; init; } = "";
    public string HeadersJson { get; init; } = "{}";
    public int? TimeoutSeconds { get; init; }
    public int? MaxAttempts { get; init; }
    public int[]? RetryScheduleMs { get; init; }
    public int RetryJitterPercent { get; init; }
    public int? MaxRetryDelayMs { get; init; }
    public int? RateLimitPerSecond { get; init; }
    public bool Paused { get; init; }
    /// <summary>Disabled by Relay (410 Gone, or failing too long) and not resumed since.</summary>
    public bool Disabled { get; init; }
    public bool Deleted { get; init; }
    public DateTime? ResumedAt { get; init; }
    public string? SigningSecret { get; init; }
    public string? PreviousSigningSecret { get; init; }
    public DateTime? PreviousSecretExpiresAt { get; init; }
    public string[] EventTypes { get; init; } = [];
    public string? PayloadFilter { get; init; }
    public DateTime DestinationUpdatedAt { get; init; }

    /// <summary>The destination's failure streak and last success as destination_health had them when this was read.</summary>
    public int HealthFailures { get; init; }
    public DateTime? HealthLastSuccessAt { get; init; }
}
