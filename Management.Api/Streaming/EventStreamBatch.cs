namespace Relay.Management.Api.Streaming;

/// <summary>
/// What one read of a live tail found: the events to send, in order; where the next read starts; and whether matching
/// events are committed but held back behind a transaction still running (worth another look soon, since the
/// transaction holding them back may end without a notification).
/// </summary>
public sealed record EventStreamBatch(IReadOnlyList<StreamedEvent> Events, EventStreamPosition Next, bool HeldBack);
