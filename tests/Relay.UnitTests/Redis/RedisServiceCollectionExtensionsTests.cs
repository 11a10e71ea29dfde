using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Redis;
using StackExchange.Redis;

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

    [Theory]
    [InlineData("localhost:notaport,password=TopSecret1")]
    [InlineData("localhost:99999,password=TopSecret1")]
    [InlineData("localhost:6379,password=TopSecret1,nosuchoption=1")]
    public void Malformed_connection_string_fails_at_registration_without_echoing_it(string connectionString)
    {
        var builder = BuilderWith(new() { ["ConnectionStrings:redis"] = connectionString });
        var exception = Assert.Throws<InvalidOperationException>(() => builder.AddRelayRedis());
        Assert.Contains("ConnectionStrings:redis", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecret1", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_settings_win_and_Relay_defaults_fill_the_rest()
    {
        var builder = BuilderWith(new() { ["ConnectionStrings:redis"] = "cache.internal:6380,password=s3cret,ssl=true,connectTimeout=5000" });
        builder.AddRelayRedis();

        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<ConfigurationOptions>>().Value;
        Assert.Equal(new System.Net.DnsEndPoint("cache.internal", 6380), Assert.Single(options.EndPoints));
        Assert.Equal("s3cret", options.Password);
        Assert.True(options.Ssl);
        Assert.Equal(5000, options.ConnectTimeout);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(2000, options.SyncTimeout);
        Assert.Equal(2000, options.AsyncTimeout);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public void Registers_the_prefixed_database_and_the_ready_health_check_under_the_name_redis()
    {
        var builder = BuilderWith(new()
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1,password=pw",
            ["Relay:Redis:KeyPrefix"] = "test-run-1:",
        });
        builder.AddRelayRedis();

        using var services = builder.Services.BuildServiceProvider();
        var registrations = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        var redis = Assert.Single(registrations, registration => registration.Name.Contains("redis", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("redis", redis.Name);
        Assert.Contains("ready", redis.Tags);
        Assert.Contains(builder.Services, descriptor => descriptor.ServiceType == typeof(IDatabase));
    }

    private static HostApplicationBuilder BuilderWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
