namespace Relay.Management.Api.Data;

public sealed record NewDestination(
    Guid Id,
    Guid IntegrationId,
    DestinationSettings Settings,
    string EncryptedSigningSecret,
    DateTimeOffset CreatedAt,
    string Actor,
    string AuditDetails);
