namespace Relay.Management.Api.Replays;

public sealed record ReplayAccepted(Guid ReplayRequestId, Guid EventId);
