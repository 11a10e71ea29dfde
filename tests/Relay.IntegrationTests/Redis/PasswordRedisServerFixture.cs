namespace Relay.IntegrationTests.Redis;

/// <summary>A redis-server that requires a password, shared by the tests of a class.</summary>
public sealed class PasswordRedisServerFixture : IAsyncLifetime
{
    public const string Password = "relay-test-Pa55word";

    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync("--requirepass", Password);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
