using System.Text.Json;
using Dapper;
using Npgsql;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// The <c>api_keys</c> table. Management.Api creates and revokes keys, each with its audit entry in one statement;
/// every service that authenticates reads a key's credential and records when it was last used.
/// </summary>
public sealed class ApiKeyRepository(NpgsqlDataSource dataSource)
{
    public const string AuditEntityType = "api_key";
    public const string CreatedAction = "api_key.created";
    public const string RevokedAction = "api_key.revoked";

    private const string Columns = "id, prefix, name, scopes, created_at, last_used_at, revoked_at";

    /// <summary>Stores a new key (only its secret's hash) and audits <see cref="CreatedAction"/>.</summary>
    public async Task<ApiKey> CreateAsync(Guid id, string name, string[] scopes, byte[] secretHash, string actor, string? actingKeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prefix = ApiKeyToken.PrefixOf(id);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<ApiKey>(new CommandDefinition(
            $"""
            WITH created AS (
                INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, created_at)
                VALUES (@id, @name, @prefix, @secretHash, @scopes, @now)
                RETURNING {Columns}
            ), audit AS (
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
                SELECT '{AuditEntityType}', id, '{CreatedAction}', @actor, CAST(@details AS jsonb), @now, @actingKeyId FROM created
            )
            SELECT * FROM created
            """,
            new { id, name, prefix, secretHash, scopes, now, actor, actingKeyId, details = JsonSerializer.Serialize(new { name, prefix, scopes }, JsonSerializerOptions.Web) },
            cancellationToken: cancellationToken));
    }

    public async Task<ApiKey?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Up to <paramref name="count"/> keys, oldest first, after the position (<paramref name="afterCreatedAt"/>, <paramref name="afterId"/>) when given.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(int count, DateTime? afterCreatedAt, Guid? afterId, bool activeOnly, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiKey>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM api_keys
            WHERE (@afterCreatedAt::timestamptz IS NULL OR (created_at, id) > (@afterCreatedAt, @afterId))
              AND (NOT @activeOnly OR revoked_at IS NULL)
            ORDER BY created_at, id
            LIMIT @count
            """, new { count, afterCreatedAt, afterId, activeOnly }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Revokes the key and audits <see cref="RevokedAction"/>; a key already revoked keeps its first revocation time
    /// and is not audited again. Null when there is no such key.
    /// </summary>
    public async Task<ApiKey?> RevokeAsync(Guid id, string actor, string? actingKeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var revoked = await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            $"""
            WITH revoked AS (
                UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL
                RETURNING {Columns}
            ), audit AS (
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
                SELECT '{AuditEntityType}', id, '{RevokedAction}', @actor, jsonb_build_object('name', name, 'prefix', prefix), @now, @actingKeyId FROM revoked
            )
            SELECT * FROM revoked
            """, new { id, now, actor, actingKeyId }, cancellationToken: cancellationToken));
        return revoked ?? await FindAsync(id, cancellationToken);
    }

    public async Task<ApiKeyCredential?> FindCredentialAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyCredential>(new CommandDefinition(
            "SELECT id, secret_hash, scopes, revoked_at FROM api_keys WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Sets <c>last_used_at</c> of the keys unless it is already newer than <paramref name="notBefore"/> (another process wrote it).</summary>
    public async Task RecordUseAsync(Guid[] ids, DateTimeOffset usedAt, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET last_used_at = @usedAt WHERE id = ANY(@ids) AND (last_used_at IS NULL OR last_used_at < @notBefore)",
            new { ids, usedAt, notBefore }, cancellationToken: cancellationToken));
    }
}
