using Npgsql;

namespace Relay.Infrastructure.Data.Integrations;

/// <summary>
/// An integration as stored: <see cref="EncryptedSecret"/> is AES-GCM ciphertext and never leaves the service.
/// Timestamps are UTC <see cref="DateTime"/>s, as Npgsql reads timestamptz (Dapper maps record constructors by exact type).
/// </summary>
public sealed record Integration(Guid Id, string Provider, string Name, string EncryptedSecret, string CallbackUrl, bool IsActive, DateTime CreatedAt, DateTime UpdatedAt);
