namespace Relay.Management.Api.Integrations;

/// <summary>
/// When the inbound secret was last rotated and until when the secret it replaced still verifies webhooks (in the
/// past once the grace window is over); both null if it was never rotated. Never a secret value.
/// </summary>
public sealed record InboundSecretView(DateTime? RotatedAt, DateTime? PreviousValidUntil);
