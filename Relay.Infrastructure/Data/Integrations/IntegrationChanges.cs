using Relay.Infrastructure.Providers;

namespace Relay.Infrastructure.Data.Integrations;

/// <summary>The values to set; null leaves a value as it is. <see cref="Profile"/> replaces the verification and field mapping.</summary>
public sealed record IntegrationChanges(string? Name = null, string? CallbackUrl = null, bool? IsActive = null, ProviderProfile? Profile = null);
