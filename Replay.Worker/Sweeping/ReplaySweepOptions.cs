namespace Relay.Replay.Worker.Sweeping;

public sealed class ReplaySweepOptions
{
    public const string SectionName = "Relay:Replay";

    /// <summary>How long a request may stay queued before the sweeper dispatches it itself (<c>Relay:Replay:QueuedGraceSeconds</c>).</summary>
    public int QueuedGraceSeconds { get; set; } = 30;

    public int SweepIntervalSeconds { get; set; } = 5;
}
