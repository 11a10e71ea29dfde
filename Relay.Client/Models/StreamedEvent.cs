namespace Relay.Client;

/// <summary>An event from the live stream: the message's id (the position to resume after), its name (<c>event.accepted</c>) and the event.</summary>
public sealed record StreamedEvent(string Id, string EventName, Event Data);
