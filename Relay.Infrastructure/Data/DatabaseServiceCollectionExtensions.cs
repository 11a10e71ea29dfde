using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Relay.Infrastructure.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pooled <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:relaydb</c>, its health check,
    /// and (unless <paramref name="applyMigrations"/> is false) a startup step that applies pending migrations
    /// before the service takes traffic.
    /// </summary>
    public static IHostApplicationBuilder AddRelayDatabase(this IHostApplicationBuilder builder, bool applyMigrations = true)
    {
        var connectionString = builder.Configuration.GetConnectionString("relaydb")
            ?? throw new InvalidOperationException("ConnectionStrings:relaydb is not configured (Npgsql format: Host=..;Port=..;Username=..;Password=..;Database=..).");

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var connectionBuilder = new NpgsqlConnectionStringBuilder(connectionString);
        // Fail fast while PostgreSQL is away so requests answer 503 instead of queueing behind a dead server.
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            connectionBuilder.Timeout = 5;
        }
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            connectionBuilder.MaxPoolSize = 50;
        }
        // Relay runs a small, fixed set of statements (the ingest one is a six-table CTE whose parse and plan cost
        // about as much as its execution). Npgsql prepares each on a connection after its second use, so
        // PostgreSQL parses and plans it once per connection instead of on every call.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            connectionBuilder.MaxAutoPrepare = 64;
            connectionBuilder.AutoPrepareMinUsages = 2;
        }
        // By default every connection handed back to the pool is reset with seven statements (RESET ALL, CLOSE ALL,
        // UNLISTEN *, pg_advisory_unlock_all(), DISCARD ...) that PostgreSQL parses and runs before the next use:
        // more work than many of the statements themselves. Relay leaves no session state behind (no SET, LISTEN,
        // cursors or temp tables; the migrator releases its advisory lock in a finally, and a broken connection
        // is never pooled), so there is nothing to reset.
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            connectionBuilder.NoResetOnClose = true;
        }

        builder.Services.AddSingleton(serviceProvider => new NpgsqlDataSourceBuilder(connectionBuilder.ConnectionString)
            .UseLoggerFactory(serviceProvider.GetRequiredService<ILoggerFactory>())
            // A statement outside any trace is a poll (outbox, delivery scheduler) or a health probe, several a
            // second; as traces of their own they would bury the ones worth reading. Statements inside one are spans.
            .ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null))
            .Build());
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        builder.Services.AddOptions<DatabaseRetryOptions>()
            .BindConfiguration(DatabaseRetryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseRetry>();
        builder.Services.AddSingleton<Integrations.IntegrationRepository>();
        // Audit entries written while handling a request name the API key it was authenticated with.
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton<Security.ApiKeys.ActingApiKey>();
        if (applyMigrations)
        {
            builder.Services.AddSingleton<DatabaseMigrator>();
            builder.Services.AddHostedService<DatabaseMigrationService>();
        }
        return builder;
    }

    /// <summary>
    /// LISTENs on <paramref name="channel"/> through <see cref="PostgresNotifications"/> (one connection per process,
    /// whatever the number of channels), for subscribers that want the database to wake them. Needs <c>AddRelayDatabase</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRelayPostgresNotifications(this IHostApplicationBuilder builder, string channel)
    {
        // Quoted in LISTEN as is, so only a plain identifier.
        if (channel.Length is 0 or > 63 || !channel.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{channel}' is not a plain PostgreSQL identifier (a-z, 0-9, _; at most 63).", nameof(channel));
        }
        builder.Services.Configure<PostgresNotificationOptions>(options => options.Channels.Add(channel));
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!builder.Services.Any(service => service.ServiceType == typeof(PostgresNotifications)))
        {
            builder.Services.AddSingleton<PostgresNotifications>();
            builder.Services.AddHostedService(services => services.GetRequiredService<PostgresNotifications>());
        }
        return builder;
    }
}
