using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Relay.Infrastructure.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>The AppHost's resource name: <c>WithReference(redis)</c> supplies <c>ConnectionStrings:redis</c>.</summary>
    public const string ConnectionName = "redis";

    private const string Format = "host:port[,password=..][,ssl=true]";

    /// <summary>
    /// Registers the shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:redis</c> through Aspire's client
    /// integration (with tracing), an <see cref="IDatabase"/> whose keys carry <c>Relay:Redis:KeyPrefix</c>, and the
    /// <c>redis</c> health check tagged <c>ready</c>. Settings the connection string leaves out come from <see cref="RelayRedisDefaults"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRelayRedis(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        EnsureValid(builder.Configuration.GetConnectionString(ConnectionName));

        builder.AddRedisClient(
            ConnectionName,
            settings =>
            {
                // Connect while the host starts, not inside the first request that needs Redis.
                settings.DisableAutoActivation = false;
                // Relay's own check below carries the name that the health endpoints and ExcludeFromReadiness use.
                settings.DisableHealthChecks = true;
                // The Redis instrumentation profiles every command; without a collector (no OTLP endpoint) that is
                // work nobody reads.
                settings.DisableTracing = string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            },
            options =>
            {
                var defaults = new RelayRedisDefaults();
                options.Defaults = defaults;
                // The configuration binder Aspire runs first has already copied the previous defaults of these two
                // object-valued settings onto the options; no connection string sets them, so set them again.
                options.BacklogPolicy = defaults.BacklogPolicy;
                options.ReconnectRetryPolicy = defaults.ReconnectRetryPolicy;
            });

        // StackExchange.Redis logs every failed reconnect as an error with a stack trace, twice (commands and
        // subscriptions), through an outage Relay rides out by design. The callers' warnings and the health check say
        // that Redis is unavailable and why.
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Critical);

        var keyPrefix = builder.Configuration["Relay:Redis:KeyPrefix"] ?? "";
        builder.Services.AddSingleton(services =>
        {
            var database = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            return keyPrefix.Length == 0 ? database : database.WithKeyPrefix(keyPrefix);
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    // Checked now so a missing or malformed value stops startup naming the setting. The value is never echoed: it may
    // hold a password.
    private static void EnsureValid(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"ConnectionStrings:redis is not configured (format: {Format}).");
        }
        int endpoints;
        try
        {
            endpoints = ConfigurationOptions.Parse(connectionString).EndPoints.Count;
        }
        catch (ArgumentException)
        {
            endpoints = 0;
        }
        if (endpoints == 0)
        {
            throw new InvalidOperationException($"ConnectionStrings:redis is not a valid Redis connection string (format: {Format}).");
        }
    }
}
