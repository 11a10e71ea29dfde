using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Providers;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The answer to <c>POST /integrations</c>: the integration as the list shows it, and its default destination with
/// the destination's signing secret, which this answer is the only one to show, and how its webhooks are verified and
/// mapped. The inbound secret is never returned.
/// </summary>
public sealed record CreatedIntegration(
    Guid Id,
    string Provider,
    string Name,
    string CallbackUrl,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    CreatedDefaultDestination DefaultDestination,
    string? Preset,
    VerificationSettings Verification,
    FieldMapping Fields)
{
    public static CreatedIntegration From(Integration integration, Guid defaultDestinationId, string signingSecret, ProviderProfile profile) => new(
        integration.Id, integration.Provider, integration.Name, integration.CallbackUrl, integration.IsActive, integration.CreatedAt, integration.UpdatedAt,
        new CreatedDefaultDestination(defaultDestinationId, signingSecret),
        ProviderPresets.NameOf(profile), profile.Verification, profile.Fields);
}
