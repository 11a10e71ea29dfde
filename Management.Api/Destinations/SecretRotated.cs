namespace Relay.Management.Api.Destinations;

/// <summary>The answer to a rotation: the new secret, shown this once, and until when the old one still signs (null: it no longer does).</summary>
public sealed record SecretRotated(string SigningSecret, DateTime? PreviousValidUntil);
