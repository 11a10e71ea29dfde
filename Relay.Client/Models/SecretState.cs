namespace Relay.Client;

/// <summary>When a secret was last rotated and until when the replaced one still works (null when it no longer does).</summary>
public sealed record SecretState(DateTimeOffset? RotatedAt, DateTimeOffset? PreviousValidUntil);
