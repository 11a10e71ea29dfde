using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Inbound;

/// <summary>Migration 014 on a database written by the version before it: every row stays, acme and globex get their presets.</summary>
public sealed class Migration014Tests
{
    [Fact]
    public async Task Existing_acme_and_globex_rows_get_their_presets_and_other_rows_stay_as_they_were()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        await using var dependencies = await IsolatedDependencies.CreateAsync("migrate14");
        await using var dataSource = dependencies.OpenDataSource();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var migration in DatabaseMigrator.LoadMigrations().Where(m => m.Version < 14))
            {
                await connection.ExecuteAsync(migration.Sql);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)", migration);
            }
            await connection.ExecuteAsync(
                """
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active) VALUES
                    ('00000000-0000-0000-0000-000000000001', 'acme', 'Acme Corp', 'v1:acme', 'http://127.0.0.1/acme', true),
                    ('00000000-0000-0000-0000-000000000002', 'globex', 'Globex Corporation', 'v1:globex', 'http://127.0.0.1/globex', false),
                    ('00000000-0000-0000-0000-000000000003', 'initech', 'Made by hand', 'v1:initech', 'http://127.0.0.1/initech', true);
                """);
        }

        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        var integrations = new IntegrationRepository(dataSource, new ActingApiKey(new HttpContextAccessor()));
        var all = (await integrations.ListAsync(null, null, CancellationToken.None)).ToDictionary(integration => integration.Provider);
        Assert.Equal(["acme", "globex", "initech"], all.Keys.Order(StringComparer.Ordinal));
        Assert.True(all["acme"].Profile!.SameAs(ProviderPresets.AcmeProfile));
        Assert.True(all["globex"].Profile!.SameAs(ProviderPresets.GlobexProfile));
        Assert.Null(all["initech"].Profile);
        Assert.Equal(("Acme Corp", "v1:acme", "http://127.0.0.1/acme", true), (all["acme"].Name, all["acme"].EncryptedSecret, all["acme"].CallbackUrl, all["acme"].IsActive));
        Assert.False(all["globex"].IsActive);
        // Ingest asks for the active ones by name only; one without settings is then refused as unknown.
        Assert.Equal(["acme", "initech"], (await integrations.ListActiveProvidersAsync(CancellationToken.None)).Order(StringComparer.Ordinal));
    }
}
