namespace Relay.Client.Streaming;

/// <summary>
/// One message of a <c>text/event-stream</c>, as its fields came: <see cref="Data"/> null for a message without data
/// (which only moves the last event id or sets the reconnection delay, and is not dispatched).
/// </summary>
internal sealed record ServerSentEvent(string? Id, string? EventName, string? Data, TimeSpan? Retry);
