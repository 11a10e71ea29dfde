namespace Relay.Client;

/// <summary>When and why Relay disabled a destination automatically; present while that disable is in force.</summary>
public sealed record DestinationDisable(DateTimeOffset At, string? Reason);
