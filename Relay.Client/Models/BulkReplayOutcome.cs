namespace Relay.Client;

/// <summary>What became of a bulk replay's delivery runs: delivered everywhere, failed, or still going.</summary>
public sealed record BulkReplayOutcome(long Delivered, long Failed, long InFlight);
