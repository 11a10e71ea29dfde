using Dapper;
using Npgsql;
using Relay.Infrastructure.Destinations;
using Relay.Infrastructure.Security;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// Gives every live integration its default destination, and every destination a signing secret, at start. Rows
/// made by migration 009 (and integrations inserted by older versions) have none: only the application holds the
/// encryption key. Delivery holds deliveries to a destination without a secret until this has run.
/// </summary>
public sealed class DefaultDestinationBackfill(NpgsqlDataSource dataSource, SecretProtector protector, TimeProvider timeProvider, ILogger<DefaultDestinationBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromMilliseconds(250); ; delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000)))
        {
            try
            {
                await BackfillAsync(stoppingToken);
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The database may still be starting (or migrating); this is worth finishing, so keep trying.
                logger.LogWarning("Default destination backfill failed ({Message}); retrying in {Delay}", exception.Message, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
        }
    }

    internal async Task BackfillAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var created = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO destinations (id, integration_id, is_default, created_at, updated_at)
            SELECT gen_random_uuid(), i.id, true, @now, @now FROM integrations i
            WHERE i.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM destinations d WHERE d.integration_id = i.id AND d.is_default AND d.deleted_at IS NULL)
            ON CONFLICT DO NOTHING
            """, new { now }, cancellationToken: cancellationToken));
        var missing = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM destinations WHERE signing_secret IS NULL AND deleted_at IS NULL", cancellationToken: cancellationToken))).AsList();
        foreach (var id in missing)
        {
            // Only where still missing: a replica doing the same at the same moment must not replace a secret.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE destinations SET signing_secret = @secret, updated_at = @now WHERE id = @id AND signing_secret IS NULL",
                new { id, secret = protector.Protect(SigningSecrets.Generate(), SecretPurposes.DestinationSigningSecret), now }, cancellationToken: cancellationToken));
        }
        if (created + missing.Count > 0)
        {
            logger.LogInformation("Created {Created} default destinations and signing secrets for {Secrets} destinations", created, missing.Count);
        }
    }
}
