namespace Relay.Infrastructure.Data.Integrations;

/// <summary>
/// A live (not deleted) integration as stored: <see cref="EncryptedSecret"/> and <see cref="PreviousEncryptedSecret"/>
/// are AES-GCM ciphertext and never leave the service. The previous secret, kept by the last rotation, still verifies
/// webhooks until <see cref="PreviousSecretExpiresAt"/>. Timestamps are UTC <see cref="DateTime"/>s, as Npgsql reads
/// timestamptz (Dapper maps record constructors by exact type).
/// </summary>
public sealed record Integration(
    Guid Id,
    string Provider,
    string Name,
    string EncryptedSecret,
    string CallbackUrl,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? PreviousEncryptedSecret,
    DateTime? PreviousSecretExpiresAt,
    DateTime? SecretRotatedAt,
    Guid? DefaultDestinationId);
