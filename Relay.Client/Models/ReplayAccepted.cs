namespace Relay.Client;

/// <summary>A replay request Relay accepted; follow it with <c>Replays.GetAsync</c>.</summary>
public sealed record ReplayAccepted(Guid ReplayRequestId, Guid EventId);
