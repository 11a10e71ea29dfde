namespace Relay.Management.Api.Integrations;

/// <summary>The audit actions of entity type <c>integration</c>; details name what changed, never a secret value.</summary>
public static class IntegrationAuditActions
{
    public const string Created = "integration.created";
    public const string Updated = "integration.updated";
    public const string Enabled = "integration.enabled";
    public const string Disabled = "integration.disabled";
    public const string Deleted = "integration.deleted";
    public const string SecretRotated = "integration.secret_rotated";
}
