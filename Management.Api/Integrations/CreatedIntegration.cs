using Relay.Infrastructure.Data.Integrations;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The answer to <c>POST /integrations</c>: the integration as the list shows it, and its default destination with
/// the destination's signing secret, which this answer is the only one to show. The inbound secret is never returned.
/// </summary>
public sealed record CreatedIntegration(
    Guid Id,
    string Provider,
    string Name,
    string CallbackUrl,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    CreatedDefaultDestination DefaultDestination)
{
    public static CreatedIntegration From(Integration integration, Guid defaultDestinationId, string signingSecret) => new(
        integration.Id, integration.Provider, integration.Name, integration.CallbackUrl, integration.IsActive, integration.CreatedAt, integration.UpdatedAt,
        new CreatedDefaultDestination(defaultDestinationId, signingSecret));
}
