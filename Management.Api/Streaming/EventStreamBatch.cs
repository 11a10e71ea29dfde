namespace Relay.Management.Api.Streaming;

/// <summary>
/// What one read of a live tail found: the events to send, in order; where the next read starts; whether matching
/// events are committed but held back behind a transaction still running (worth another look soon, since the
/// transaction holding them back may end without a notification); and whether more may be read at once (a full
/// batch, or a window of transactions read to its end short of the horizon).
/// </summary>
public sealed record EventStreamBatch(IReadOnlyList<StreamedEvent> Events, EventStreamPosition Next, bool HeldBack, bool More);
