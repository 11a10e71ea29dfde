using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Relay.Infrastructure.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the shared <see cref="IRedisClient"/> for <c>ConnectionStrings:redis</c> (optionally prefixing keys
    /// with <c>Relay:Redis:KeyPrefix</c>) and the <c>redis</c> health check tagged <c>ready</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRelayRedis(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:redis is not configured (format: host:port[,password=..][,ssl=true][,defaultDatabase=N]).");
        }

        // Parsed now so a malformed value stops startup instead of failing the first request.
        var options = new RedisClientOptions
        {
            ConnectionString = RedisConnectionString.Parse(connectionString),
            KeyPrefix = builder.Configuration["Relay:Redis:KeyPrefix"] ?? "",
        };

        builder.Services.TryAddSingleton(TimeProvider.System);
        // The container disposes the client (and its connection) when the host stops.
        builder.Services.AddSingleton<IRedisClient>(services => new RespRedisClient(
            options,
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILogger<RespRedisClient>>()));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }
}
