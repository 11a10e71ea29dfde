namespace Relay.Client;

/// <summary>How an integration's webhooks are verified: a scheme and the parameters it takes (the others are null).</summary>
public sealed record VerificationSettings(string Scheme, string? Header = null, string? Prefix = null, int? ToleranceSeconds = null);
