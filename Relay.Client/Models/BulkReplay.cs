using System.Text.Json;

namespace Relay.Client;

/// <summary>A bulk replay and its progress; status: queued, running, completed, cancelled, failed.</summary>
public sealed record BulkReplay(
    Guid Id, string Status, JsonElement Filter, string RequestedBy, string Reason, int EventsPerSecond, int Total, int Replayed, int Skipped,
    double Percent, double? EstimatedSecondsRemaining, BulkReplayOutcome Outcome, DateTimeOffset CutoffAt, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? CancelledBy, string? Error);
