namespace Relay.Client;

/// <summary>Every event matching <see cref="Filter"/> replayed as one job at <see cref="EventsPerSecond"/>; a dry run only counts them. <see cref="Reason"/> (5-500 characters) is required unless it is a dry run.</summary>
public sealed record BulkReplayRequest(BulkReplayFilter Filter)
{
    /// <summary>Why; required unless <see cref="DryRun"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>The replay's rate (Relay's default and limit apply).</summary>
    public int? EventsPerSecond { get; init; }

    /// <summary>Only count the matching events and estimate the time.</summary>
    public bool DryRun { get; init; }
}
