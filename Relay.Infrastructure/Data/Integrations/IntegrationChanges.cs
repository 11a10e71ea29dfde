namespace Relay.Infrastructure.Data.Integrations;

/// <summary>The values to set; null leaves a value as it is.</summary>
public sealed record IntegrationChanges(string? Name = null, string? CallbackUrl = null, bool? IsActive = null);
