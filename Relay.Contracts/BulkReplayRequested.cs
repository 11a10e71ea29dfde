namespace Relay.Contracts;

/// <summary>
/// An operator asked for every event matching a filter to be replayed; Replay.Worker runs the job. The job's filter,
/// rate and progress live in PostgreSQL, so this only wakes a worker: a lost or repeated message changes nothing.
/// </summary>
public sealed record BulkReplayRequested(Guid BulkReplayId, string RequestedBy, string CorrelationId, DateTimeOffset RequestedAt);
