using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>
/// Runs the migrator at startup, retrying while PostgreSQL is not reachable yet, then (in Development, in
/// services that registered an <see cref="IDatabaseSeeder"/>) seeds the demo data.
/// </summary>
internal sealed class DatabaseMigrationService(DatabaseMigrator migrator, IServiceProvider services, IHostEnvironment environment, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                if (environment.IsDevelopment() && services.GetService<IDatabaseSeeder>() is { } seeder)
                {
                    await seeder.SeedAsync(cancellationToken);
                }
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Database not ready for migrations ({Message}); retrying in {Delay}", exception.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
