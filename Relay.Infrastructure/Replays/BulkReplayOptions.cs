using System.ComponentModel.DataAnnotations;

namespace Relay.Infrastructure.Replays;

/// <summary>
/// Bulk replay settings (<c>Relay:Replay:Bulk*</c>), read by Management.Api (the default and the ceiling of a job's rate)
/// and Replay.Worker (which also holds every job to the ceiling, whatever was stored).
/// </summary>
public sealed class BulkReplayOptions : IValidatableObject
{
    public const string SectionName = "Relay:Replay";

    /// <summary>A job's rate when the request names none (<c>Relay:Replay:BulkEventsPerSecond</c>).</summary>
    [Range(1, 100_000)]
    public int BulkEventsPerSecond { get; set; } = 100;

    /// <summary>The highest rate a job may ask for (<c>Relay:Replay:BulkMaxEventsPerSecond</c>).</summary>
    [Range(1, 100_000)]
    public int BulkMaxEventsPerSecond { get; set; } = 1000;

    /// <summary>The most events replayed in one transaction (<c>Relay:Replay:BulkPageSize</c>); a slow job's pages are smaller.</summary>
    [Range(1, 1000)]
    public int BulkPageSize { get; set; } = 100;

    /// <summary>
    /// How long a worker holds a job without writing progress before another may take it over (<c>Relay:Replay:BulkLeaseSeconds</c>):
    /// the wait before a job whose worker was killed resumes. A worker that stops gracefully hands its job back at once.
    /// </summary>
    [Range(2, 3600)]
    public int BulkLeaseSeconds { get; set; } = 30;

    /// <summary>How often an idle worker looks for jobs (<c>Relay:Replay:BulkPollSeconds</c>); a new job's message wakes it sooner.</summary>
    [Range(1, 3600)]
    public int BulkPollSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BulkEventsPerSecond > BulkMaxEventsPerSecond)
        {
            yield return new ValidationResult(
                $"Relay:Replay:BulkEventsPerSecond ({BulkEventsPerSecond}) must not exceed Relay:Replay:BulkMaxEventsPerSecond ({BulkMaxEventsPerSecond}).",
                [nameof(BulkEventsPerSecond)]);
        }
    }
}
