using Dapper;
using Npgsql;

namespace Relay.Infrastructure.Data.Integrations;

public sealed class IntegrationRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, provider, name, webhook_secret AS encrypted_secret, callback_url, is_active, created_at, updated_at";

    public async Task<Integration?> FindByProviderAsync(string provider, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations WHERE provider = @provider", new { provider }, cancellationToken: cancellationToken));
    }

    public async Task<Integration?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Integration>> ListAsync(string? provider, bool? active, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Integration>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM integrations
            WHERE (@provider::text IS NULL OR provider = @provider) AND (@active::boolean IS NULL OR is_active = @active)
            ORDER BY provider
            """, new { provider, active }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Creates the integration and its default destination unless one exists for the provider (seeding must not
    /// overwrite an operator's changes). <paramref name="encryptedSigningSecret"/> is the default destination's.
    /// </summary>
    public async Task<bool> InsertIfMissingAsync(string provider, string name, string encryptedSecret, string callbackUrl, string encryptedSigningSecret, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH integration AS (
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active, created_at, updated_at)
                VALUES (@id, @provider, @name, @encryptedSecret, @callbackUrl, true, @now, @now)
                ON CONFLICT (provider) DO NOTHING
                RETURNING id
            )
            INSERT INTO destinations (id, integration_id, is_default, signing_secret, created_at, updated_at)
            SELECT @destinationId, id, true, @encryptedSigningSecret, @now, @now FROM integration
            """, new { id = Guid.CreateVersion7(now), destinationId = Guid.CreateVersion7(now), provider, name, encryptedSecret, callbackUrl, encryptedSigningSecret, now }, cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
