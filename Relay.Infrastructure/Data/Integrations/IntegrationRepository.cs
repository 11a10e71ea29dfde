using System.Text.Json;
using Dapper;
using Npgsql;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Infrastructure.Providers;

namespace Relay.Infrastructure.Data.Integrations;

/// <summary>
/// Integrations and the writes that come with them (the default destination, audit entries), each all or nothing.
/// Every read sees live integrations only: a deleted one is gone for ingest and management alike, while the events
/// that came through it keep pointing at it. Audit entries name the API key of the request that made the change.
/// </summary>
public sealed class IntegrationRepository(NpgsqlDataSource dataSource, ActingApiKey actingKey)
{
    private const string RowColumns =
        """
        i.id, i.provider, i.name, i.webhook_secret AS encrypted_secret, i.callback_url, i.is_active, i.created_at, i.updated_at,
        i.previous_webhook_secret AS previous_encrypted_secret, i.previous_secret_expires_at, i.secret_rotated_at,
        i.verification::text AS verification, i.field_mapping::text AS field_mapping
        """;

    private const string Columns =
        $"""
        {RowColumns},
        (SELECT d.id FROM destinations d WHERE d.integration_id = i.id AND d.is_default AND d.deleted_at IS NULL) AS default_destination_id
        """;

    /// <summary>
    /// The providers with a live, active integration: what ingest asks before it looks one up, so a request for a
    /// provider nobody configured costs no query of its own.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListActiveProvidersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT provider FROM integrations WHERE deleted_at IS NULL AND is_active", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<Integration?> FindByProviderAsync(string provider, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations i WHERE i.provider = @provider AND i.deleted_at IS NULL", new { provider }, cancellationToken: cancellationToken));
    }

    public async Task<Integration?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations i WHERE i.id = @id AND i.deleted_at IS NULL", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Integration>> ListAsync(string? provider, bool? active, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Integration>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM integrations i
            WHERE i.deleted_at IS NULL
              AND (@provider::text IS NULL OR i.provider = @provider) AND (@active::boolean IS NULL OR i.is_active = @active)
            ORDER BY i.provider
            """, new { provider, active }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Live integrations after (<paramref name="afterProvider"/>, <paramref name="afterId"/>) in (provider, id) order, at
    /// most <paramref name="take"/>: one page of the list by cursor.
    /// </summary>
    public async Task<IReadOnlyList<Integration>> ListAfterAsync(
        string? provider, bool? active, string? afterProvider, Guid? afterId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Integration>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM integrations i
            WHERE i.deleted_at IS NULL
              AND (@provider::text IS NULL OR i.provider = @provider) AND (@active::boolean IS NULL OR i.is_active = @active)
              AND (@afterProvider::text IS NULL OR (i.provider, i.id) > (@afterProvider, @afterId))
            ORDER BY i.provider, i.id
            LIMIT @take
            """, new { provider, active, afterProvider, afterId, take }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Creates the integration and its default destination unless the provider has ever had one (seeding must not
    /// overwrite an operator's changes, nor bring back an integration an operator deleted).
    /// <paramref name="encryptedSigningSecret"/> is the default destination's.
    /// </summary>
    public async Task<bool> InsertIfMissingAsync(string provider, string name, string encryptedSecret, string callbackUrl, string encryptedSigningSecret, ProviderProfile profile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH integration AS (
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active, created_at, updated_at, verification, field_mapping)
                SELECT @id, @provider, @name, @encryptedSecret, @callbackUrl, true, @now, @now, CAST(@verification AS jsonb), CAST(@fieldMapping AS jsonb)
                WHERE NOT EXISTS (SELECT 1 FROM integrations WHERE provider = @provider)
                ON CONFLICT (provider) WHERE deleted_at IS NULL DO NOTHING
                RETURNING id
            )
            INSERT INTO destinations (id, integration_id, is_default, signing_secret, created_at, updated_at)
            SELECT @destinationId, id, true, @encryptedSigningSecret, @now, @now FROM integration
            """, new
            {
                id = Guid.CreateVersion7(now), destinationId = Guid.CreateVersion7(now), provider, name, encryptedSecret, callbackUrl, encryptedSigningSecret, now,
                verification = profile.VerificationJson, fieldMapping = profile.FieldsJson,
            }, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>
    /// Creates the integration, its default destination (url NULL: it follows callback_url) and the
    /// <c>integration.created</c> audit entry in one statement. Null, writing nothing, when the provider already has a
    /// live integration.
    /// </summary>
    public async Task<Integration?> CreateAsync(NewIntegration integration, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"""
            WITH i AS (
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active, created_at, updated_at, verification, field_mapping)
                VALUES (@Id, @Provider, @Name, @EncryptedSecret, @CallbackUrl, @IsActive, @CreatedAt, @CreatedAt, CAST(@Verification AS jsonb), CAST(@FieldMapping AS jsonb))
                ON CONFLICT (provider) WHERE deleted_at IS NULL DO NOTHING
                RETURNING *
            ), destination AS (
                INSERT INTO destinations (id, integration_id, is_default, signing_secret, created_at, updated_at)
                SELECT @DefaultDestinationId, id, true, @EncryptedSigningSecret, @CreatedAt, @CreatedAt FROM i
            ), audit AS (
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
                SELECT 'integration', id, 'integration.created', @Actor, CAST(@AuditDetails AS jsonb), @CreatedAt, @ApiKeyId FROM i
            )
            SELECT {RowColumns}, @DefaultDestinationId AS default_destination_id FROM i
            """, WithApiKey(integration), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Applies <paramref name="changes"/> to a live integration and audits what actually changed under
    /// <paramref name="action"/> (details <c>{changes: {field: {from, to}}}</c>); values already as requested are no
    /// change, and nothing at all changed writes nothing. Null when there is no such live integration.
    /// </summary>
    public async Task<Integration?> UpdateAsync(Guid id, IntegrationChanges changes, string action, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations i WHERE i.id = @id AND i.deleted_at IS NULL FOR UPDATE", new { id }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return null;
        }

        var changed = new Dictionary<string, object>(StringComparer.Ordinal);
        if (changes.Name is { } name && name != current.Name)
        {
            changed["name"] = new { from = current.Name, to = name };
        }
        if (changes.CallbackUrl is { } callbackUrl && callbackUrl != current.CallbackUrl)
        {
            changed["callbackUrl"] = new { from = current.CallbackUrl, to = callbackUrl };
        }
        if (changes.IsActive is { } isActive && isActive != current.IsActive)
        {
            changed["isActive"] = new { from = current.IsActive, to = isActive };
        }
        var currentProfile = current.Profile;
        if (changes.Profile is { } newProfile && (currentProfile is null || !newProfile.SameAs(currentProfile)))
        {
            // Each part audited only when it changed; the settings hold no secret.
            if (currentProfile is null || newProfile.VerificationJson != currentProfile.VerificationJson)
            {
                changed["verification"] = new { from = AsJson(currentProfile?.Verification), to = AsJson(newProfile.Verification) };
            }
            if (currentProfile is null || newProfile.FieldsJson != currentProfile.FieldsJson)
            {
                changed["fields"] = new { from = AsJson(currentProfile?.Fields), to = AsJson(newProfile.Fields) };
            }
        }
        if (changed.Count == 0)
        {
            return current;
        }

        var updated = await connection.QuerySingleAsync<Integration>(new CommandDefinition(
            $"""
            UPDATE integrations i SET name = @name, callback_url = @callbackUrl, is_active = @isActive,
                verification = COALESCE(CAST(@verification AS jsonb), i.verification), field_mapping = COALESCE(CAST(@fieldMapping AS jsonb), i.field_mapping),
                updated_at = @now
            WHERE i.id = @id
            RETURNING {Columns}
            """,
            new
            {
                id, name = changes.Name ?? current.Name, callbackUrl = changes.CallbackUrl ?? current.CallbackUrl, isActive = changes.IsActive ?? current.IsActive, now,
                verification = changes.Profile?.VerificationJson, fieldMapping = changes.Profile?.FieldsJson,
            },
            transaction, cancellationToken: cancellationToken));
        await InsertAuditAsync(connection, transaction, id, action, actor, JsonSerializer.Serialize(new { changes = changed }, JsonSerializerOptions.Web), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>
    /// Replaces the inbound secret. With a grace window the replaced secret keeps verifying until
    /// <paramref name="previousValidUntil"/> (a secret replaced earlier is dropped: two at most verify at a time);
    /// without one it stops at once. Audited as <c>integration.secret_rotated</c>. Null when there is no such live integration.
    /// </summary>
    public async Task<Integration?> RotateSecretAsync(Guid id, string encryptedSecret, DateTimeOffset previousValidUntil, string actor, string auditDetails, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"""
            WITH rotated AS (
                UPDATE integrations i SET
                    previous_webhook_secret = CASE WHEN @previousValidUntil > @now THEN i.webhook_secret END,
                    previous_secret_expires_at = @previousValidUntil,
                    webhook_secret = @encryptedSecret,
                    secret_rotated_at = @now,
                    updated_at = @now
                WHERE i.id = @id AND i.deleted_at IS NULL
                RETURNING {Columns}
            ), audit AS (
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
                SELECT 'integration', id, 'integration.secret_rotated', @actor, CAST(@auditDetails AS jsonb), @now, @apiKeyId FROM rotated
            )
            SELECT * FROM rotated
            """, new { id, encryptedSecret, previousValidUntil, actor, auditDetails, now, apiKeyId = actingKey.Id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Soft-deletes a live integration (its provider becomes free for a new one) and audits it as
    /// <c>integration.deleted</c>. False when there is no such live integration.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH deleted AS (
                UPDATE integrations SET deleted_at = @now, updated_at = @now
                WHERE id = @id AND deleted_at IS NULL
                RETURNING id, provider, name
            )
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            SELECT 'integration', id, 'integration.deleted', @actor, jsonb_build_object('provider', provider, 'name', name), @now, @apiKeyId FROM deleted
            """, new { id, actor, now, apiKeyId = actingKey.Id }, cancellationToken: cancellationToken));
        return deleted == 1;
    }

    /// <summary>Profile settings as they are stored and shown (parameters a scheme does not take left out).</summary>
    private static JsonElement? AsJson(object? settings) =>
        settings is null ? null : JsonSerializer.SerializeToElement(settings, settings.GetType(), ProviderProfile.JsonOptions);

    private Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string action, string actor, string details, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            VALUES ('integration', @id, @action, @actor, CAST(@details AS jsonb), @now, @apiKeyId)
            """, new { id, action, actor, details, now, apiKeyId = actingKey.Id }, transaction, cancellationToken: cancellationToken));

    private DynamicParameters WithApiKey(object parameters)
    {
        var withKey = new DynamicParameters(parameters);
        withKey.Add("ApiKeyId", actingKey.Id, System.Data.DbType.String);
        return withKey;
    }
}
