using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Providers;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// One integration: the list's fields, the state of its inbound secret, its default destination, and how its
/// webhooks are verified and mapped (<see cref="Preset"/> names the preset they are exactly, if any). Never a secret.
/// </summary>
public sealed record IntegrationDetail(
    Guid Id,
    string Provider,
    string Name,
    string CallbackUrl,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    InboundSecretView InboundSecret,
    Guid? DefaultDestinationId,
    string? Preset,
    VerificationSettings? Verification,
    FieldMapping? Fields)
{
    public static IntegrationDetail From(Integration integration)
    {
        var profile = integration.Profile;
        return new(
            integration.Id, integration.Provider, integration.Name, integration.CallbackUrl, integration.IsActive, integration.CreatedAt, integration.UpdatedAt,
            new InboundSecretView(integration.SecretRotatedAt, integration.PreviousSecretExpiresAt),
            integration.DefaultDestinationId,
            profile is null ? null : ProviderPresets.NameOf(profile),
            profile?.Verification,
            profile?.Fields);
    }
}
