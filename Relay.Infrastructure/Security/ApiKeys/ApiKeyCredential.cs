namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>What checking a presented key needs: the stored hash of its secret, its scopes, and whether it was revoked.</summary>
public sealed class ApiKeyCredential
{
    public Guid Id { get; init; }

    public byte[] SecretHash { get; init; } = [];

    public string[] Scopes { get; init; } = [];

    public DateTime? RevokedAt { get; init; }
}
