using System.Globalization;
using Relay.IntegrationTests.Harness;
using Relay.IntegrationTests.Redis;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Gateway and Ingress over a password-protected redis-server of their own, which a test can stop and start again
/// without touching the Redis other clusters share. A low rate limit shows whether the limiter is counting.
/// </summary>
public sealed class RedisOutageCluster : RelayCluster
{
    public const string Password = "relay-outage-Pa55word";
    public const int PermitsPerMinute = 5;

    public RedisServerProcess Redis { get; private set; } = null!;

    protected override string Purpose => "redis";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Gateway"];
    protected override string RedisConnectionString => Redis.ConnectionString($"password={Password}");
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Relay__RateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(CultureInfo.InvariantCulture),
    };

    public override async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync("--requirepass", Password);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
