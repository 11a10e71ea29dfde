using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.IntegrationTests.Harness;
using StackExchange.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary><c>ssl=true</c> in <c>ConnectionStrings:redis</c> against a redis-server that speaks only TLS.</summary>
public sealed class RedisTlsTests(TlsRedisServerFixture fixture) : IClassFixture<TlsRedisServerFixture>
{
    private const int TestTimeoutMs = 60_000;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Ssl_true_talks_to_the_server_over_tls()
    {
        // The test certificate is trusted here; a deployment trusts its server's certificate through the machine's store.
        await using var relay = await RelayRedisHost.StartAsync(
            fixture.Server.ConnectionString("ssl=true"),
            $"tls:{Guid.NewGuid():N}:",
            services => services.Configure<ConfigurationOptions>(options =>
                options.CertificateValidation += (_, certificate, _, _) => certificate?.GetCertHashString() == fixture.CertificateThumbprint));

        // The first handshake of a cold process can outlast the connect timeout on a busy machine; the connection is
        // then retried in the background.
        var health = await Webhooks.EventuallyAsync(relay.CheckHealthAsync, entry => entry.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20));
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.True(await relay.Database.StringSetAsync("tls-key", "secret-over-tls", TimeSpan.FromMinutes(1), When.NotExists));
        Assert.Equal("secret-over-tls", (string?)await relay.Database.StringGetAsync("tls-key"));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task An_untrusted_server_certificate_keeps_the_check_unhealthy()
    {
        await using var relay = await RelayRedisHost.StartAsync(fixture.Server.ConnectionString("ssl=true"));
        Assert.Equal(HealthStatus.Unhealthy, (await relay.CheckHealthAsync()).Status);
    }
}
