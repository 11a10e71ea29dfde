namespace Relay.Management.Api.Data;

/// <summary>
/// What may be said about a destination's signing secret: never its value (shown once, when created or rotated).
/// </summary>
/// <param name="RotatedAt">When it was last rotated; null if never.</param>
/// <param name="PreviousValidUntil">Until when deliveries are also signed with the secret it replaced; null when none is.</param>
public sealed record SigningSecretView(DateTime? RotatedAt, DateTime? PreviousValidUntil);
