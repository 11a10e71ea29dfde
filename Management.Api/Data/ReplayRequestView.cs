namespace Relay.Management.Api.Data;

/// <param name="FailureReason">Why a failed request failed (its delivery run's last error, or the replay that superseded it); null otherwise.</param>
public sealed record ReplayRequestView(
    Guid Id, Guid EventId, string RequestedBy, string Reason, string Status, string? FailureReason, DateTime CreatedAt, DateTime? ProcessedAt);
