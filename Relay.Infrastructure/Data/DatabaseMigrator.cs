using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>
/// Applies the numbered SQL files embedded in this assembly, in order, each in its own transaction.
/// A session-level advisory lock serialises replicas that start at the same moment.
/// </summary>
public sealed class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    // Any constant works; it only has to be the same for every replica.
    private const long MigrationLockKey = 0x52454C4159_01;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

            foreach (var migration in LoadMigrations().Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)", migration, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    internal static IReadOnlyList<Migration> LoadMigrations()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        const string marker = ".Data.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(marker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var fileName = name[(name.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4];
                // Resource names turn "001_initial" into "_001_initial" when a segment starts with a digit.
                var trimmed = fileName.TrimStart('_');
                var version = int.Parse(trimmed[..trimmed.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return new Migration(version, trimmed, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    internal sealed record Migration(int Version, string Name, string Sql);
}
