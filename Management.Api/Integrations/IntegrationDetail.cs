using Relay.Infrastructure.Data.Integrations;

namespace Relay.Management.Api.Integrations;

/// <summary>One integration: the list's fields, the state of its inbound secret and its default destination.</summary>
public sealed record IntegrationDetail(
    Guid Id,
    string Provider,
    string Name,
    string CallbackUrl,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    InboundSecretView InboundSecret,
    Guid? DefaultDestinationId)
{
    public static IntegrationDetail From(Integration integration) => new(
        integration.Id, integration.Provider, integration.Name, integration.CallbackUrl, integration.IsActive, integration.CreatedAt, integration.UpdatedAt,
        new InboundSecretView(integration.SecretRotatedAt, integration.PreviousSecretExpiresAt),
        integration.DefaultDestinationId);
}
