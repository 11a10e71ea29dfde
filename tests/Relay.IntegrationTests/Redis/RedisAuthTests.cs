using Relay.Infrastructure.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary>AUTH against a redis-server started with <c>--requirepass</c>.</summary>
public sealed class RedisAuthTests(PasswordRedisServerFixture fixture) : IClassFixture<PasswordRedisServerFixture>
{
    private const int TestTimeoutMs = 60_000;
    private readonly string prefix = $"auth:{Guid.NewGuid():N}:";

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Correct_password_authenticates_on_connect()
    {
        await using var client = fixture.Server.CreateClient(prefix, $"password={PasswordRedisServerFixture.Password}");
        await client.PingAsync(CancellationToken.None);
        Assert.True(await client.SetAsync("k", "v", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal("v", await client.GetAsync("k", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Acl_user_and_password_authenticate()
    {
        await using var client = fixture.Server.CreateClient(prefix, $"user=default,password={PasswordRedisServerFixture.Password}");
        Assert.Equal(1, await client.IncrementWithExpiryAsync("n", TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Missing_password_surfaces_the_servers_NOAUTH_error()
    {
        await using var client = fixture.Server.CreateClient(prefix);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => client.GetAsync("k", CancellationToken.None));
        Assert.Equal("NOAUTH", error.ErrorCode);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Wrong_password_fails_the_connection_without_echoing_the_password()
    {
        await using var client = fixture.Server.CreateClient(prefix, "password=Wrong-Secret-42");
        var failure = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync(CancellationToken.None));
        Assert.Contains("WRONGPASS", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-Secret-42", failure.ToString(), StringComparison.Ordinal);

        // Every later command retries the handshake and fails the same way, rather than running unauthenticated.
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("k", CancellationToken.None));
    }
}
