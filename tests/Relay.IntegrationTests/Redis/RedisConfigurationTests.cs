using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary><c>ConnectionStrings:redis</c> and <c>Relay:Redis:KeyPrefix</c> against a redis-server started with <c>--requirepass</c>.</summary>
public sealed class RedisConfigurationTests(PasswordRedisServerFixture fixture) : IClassFixture<PasswordRedisServerFixture>
{
    private const int TestTimeoutMs = 60_000;
    private readonly string prefix = $"config:{Guid.NewGuid():N}:";

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Password_in_the_connection_string_authenticates()
    {
        await using var relay = await RelayRedisHost.StartAsync(fixture.Server.ConnectionString($"password={PasswordRedisServerFixture.Password}"), prefix);

        Assert.True(await relay.Database.StringSetAsync("k", "v", TimeSpan.FromMinutes(1)));
        Assert.Equal("v", (string?)await relay.Database.StringGetAsync("k"));
        var health = await relay.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Matches(@"^PING answered in \d+\.\d ms$", health.Description);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Acl_user_and_password_authenticate()
    {
        await using var relay = await RelayRedisHost.StartAsync(fixture.Server.ConnectionString($"user=default,password={PasswordRedisServerFixture.Password}"), prefix);
        Assert.Equal(1, await relay.Database.StringIncrementAsync("n"));
    }

    [Theory(Timeout = TestTimeoutMs)]
    [InlineData("password=Wrong-Secret-42")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_password_starts_the_service_with_the_check_unhealthy_and_no_password_shown(string? options)
    {
        await using var relay = await RelayRedisHost.StartAsync(fixture.Server.ConnectionString(options), prefix);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => relay.Database.StringGetAsync("k"));
        Assert.True(Relay.Infrastructure.Redis.RedisExceptionExtensions.IsRedisFailure(failure), failure.ToString());
        var health = await relay.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith("Redis PING failed: ", health.Description, StringComparison.Ordinal);
        Assert.Null(health.Exception);
        foreach (var secret in new[] { "Wrong-Secret-42", PasswordRedisServerFixture.Password })
        {
            Assert.DoesNotContain(secret, health.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, failure.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Key_prefix_keeps_clusters_sharing_a_server_apart()
    {
        var connectionString = fixture.Server.ConnectionString($"password={PasswordRedisServerFixture.Password}");
        await using var clusterA = await RelayRedisHost.StartAsync(connectionString, prefix + "a:");
        await using var clusterB = await RelayRedisHost.StartAsync(connectionString, prefix + "b:");
        await using var unprefixed = await RelayRedisHost.StartAsync(connectionString);

        Assert.True(await clusterA.Database.StringSetAsync("key", "from-a", TimeSpan.FromMinutes(1), When.NotExists));
        Assert.True(await clusterB.Database.StringSetAsync("key", "from-b", TimeSpan.FromMinutes(1), When.NotExists));
        Assert.Equal(1, (long)await clusterA.Database.ScriptEvaluateAsync("return redis.call('INCR', KEYS[1])", ["count"]));
        Assert.Equal(1, (long)await clusterB.Database.ScriptEvaluateAsync("return redis.call('INCR', KEYS[1])", ["count"]));

        Assert.Equal("from-a", (string?)await unprefixed.Database.StringGetAsync(prefix + "a:key"));
        Assert.Equal("from-b", (string?)await unprefixed.Database.StringGetAsync(prefix + "b:key"));
        Assert.Equal("1", (string?)await unprefixed.Database.StringGetAsync(prefix + "a:count"));
        Assert.False(await unprefixed.Database.KeyExistsAsync("key"));
    }
}
