using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;

namespace Relay.UnitTests.Redis;

public sealed class RedisServiceCollectionExtensionsTests
{
    [Fact]
    public void Missing_connection_string_throws_InvalidOperationException_naming_the_setting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var exception = Assert.Throws<InvalidOperationException>(() => builder.AddRelayRedis());
        Assert.Contains("ConnectionStrings:redis", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_connection_string_fails_at_registration()
    {
        var builder = BuilderWith(new() { ["ConnectionStrings:redis"] = "localhost:notaport" });
        Assert.Throws<FormatException>(() => builder.AddRelayRedis());
    }

    [Fact]
    public async Task Registers_singleton_client_with_key_prefix_and_ready_health_check_without_connecting()
    {
        // Port 1 on loopback: nothing listens, and registration must not try to connect.
        var builder = BuilderWith(new()
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1,password=pw",
            ["Relay:Redis:KeyPrefix"] = "test-run-1:",
        });
        builder.AddRelayRedis();

        await using var services = builder.Services.BuildServiceProvider();
        var client = services.GetRequiredService<IRedisClient>();
        Assert.Same(client, services.GetRequiredService<IRedisClient>());
        var resp = Assert.IsType<RespRedisClient>(client);
        Assert.Equal("test-run-1:", resp.KeyPrefix);

        var healthChecks = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        var redis = Assert.Single(healthChecks, registration => registration.Name == "redis");
        Assert.Contains("ready", redis.Tags);
        Assert.IsType<RedisHealthCheck>(redis.Factory(services));
    }

    private static HostApplicationBuilder BuilderWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
