using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Relay.Infrastructure.Redis;
using StackExchange.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary>
/// A host wired with <see cref="RedisServiceCollectionExtensions.AddRelayRedis"/> exactly as the services wire it, from a
/// <c>ConnectionStrings:redis</c> value and an optional key prefix; started, so the connection is made as at a service's start.
/// </summary>
public sealed class RelayRedisHost : IAsyncDisposable
{
    private readonly IHost host;

    private RelayRedisHost(IHost host) => this.host = host;

    public IDatabase Database => host.Services.GetRequiredService<IDatabase>();

    public static async Task<RelayRedisHost> StartAsync(string connectionString, string keyPrefix = "", Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["Relay:Redis:KeyPrefix"] = keyPrefix,
        });
        builder.AddRelayRedis();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new RelayRedisHost(host);
    }

    /// <summary>Runs the <c>redis</c> health check as <c>/health</c> runs it.</summary>
    public async Task<HealthReportEntry> CheckHealthAsync()
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "redis");
        return report.Entries["redis"];
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
