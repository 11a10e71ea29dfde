using System.Text.Json;

namespace Relay.Management.Api.Data;

/// <summary>
/// A bulk replay and its progress. <see cref="Total"/>: events that matched when it was created (received at or before
/// <see cref="CutoffAt"/>); <see cref="Replayed"/>: replayed so far; <see cref="Skipped"/>: counted in the total but no
/// longer matching when the job reached them (known once it completed); <see cref="Percent"/>: of the total, done.
/// <see cref="Outcome"/> follows the replayed events' delivery runs. Status: queued, running, completed (every event
/// replayed; their deliveries may still be running), cancelled, failed (<see cref="Error"/> says why).
/// </summary>
/// <param name="EstimatedSecondsRemaining">At the job's rate (or the slower rate it has achieved); null once it is finished.</param>
public sealed record BulkReplayView(
    Guid Id,
    string Status,
    JsonElement Filter,
    string RequestedBy,
    string Reason,
    int EventsPerSecond,
    int Total,
    int Replayed,
    int Skipped,
    double Percent,
    double? EstimatedSecondsRemaining,
    BulkReplayOutcome Outcome,
    DateTime CutoffAt,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? CancelledBy,
    string? Error);

/// <summary>What became of the replayed events' delivery runs: delivered to every destination, failed, or still going.</summary>
public sealed record BulkReplayOutcome(long Delivered, long Failed, long InFlight);
