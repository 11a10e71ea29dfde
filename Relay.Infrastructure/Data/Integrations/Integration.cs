namespace Relay.Infrastructure.Data.Integrations;

/// <summary>
/// A live (not deleted) integration as stored: <see cref="EncryptedSecret"/> and <see cref="PreviousEncryptedSecret"/>
/// are AES-GCM ciphertext and never leave the service. The previous secret, kept by the last rotation, still verifies
/// webhooks until <see cref="PreviousSecretExpiresAt"/>. <see cref="Verification"/> and <see cref="FieldMapping"/> are
/// the JSON of its <see cref="Providers.ProviderProfile"/> (null in a row Relay did not write). Timestamps are UTC
/// <see cref="DateTime"/>s, as Npgsql reads timestamptz (Dapper maps record constructors by exact type, in column order).
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
    string? Verification,
    string? FieldMapping,
    Guid? DefaultDestinationId)
{
    /// <summary>How its webhooks are verified and mapped; null when the row holds no valid profile.</summary>
    public Providers.ProviderProfile? Profile => Providers.ProviderProfile.FromColumns(Verification, FieldMapping);
}
