namespace Relay.Management.Api.Data;

public sealed record IntegrationView(Guid Id, string Provider, string Name, string CallbackUrl, bool IsActive, DateTime CreatedAt, DateTime UpdatedAt);
