using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Infrastructure.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary>A redis-server listening only on a TLS port, with a self-signed certificate made for the test run.</summary>
public sealed class TlsRedisServerFixture : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"relay-redis-tls-{Guid.NewGuid():N}");

    public RedisServerProcess Server { get; private set; } = null!;

    public string CertificateThumbprint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=relay-redis-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
        CertificateThumbprint = certificate.Thumbprint;

        var certificateFile = Path.Combine(directory, "redis.crt");
        var keyFile = Path.Combine(directory, "redis.key");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

        Server = await RedisServerProcess.StartAsync(
            "--tls-port", "{port}",
            "--tls-cert-file", certificateFile,
            "--tls-key-file", keyFile,
            "--tls-ca-cert-file", certificateFile,
            "--tls-auth-clients", "no");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}

public sealed class RedisTlsTests(TlsRedisServerFixture fixture) : IClassFixture<TlsRedisServerFixture>
{
    private const int TestTimeoutMs = 60_000;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Ssl_true_talks_to_the_server_over_tls()
    {
        await using var client = CreateClient(trustTestCertificate: true);
        await client.PingAsync(CancellationToken.None);
        Assert.True(await client.SetIfNotExistsAsync("tls-key", "secret-over-tls", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal("secret-over-tls", await client.GetAsync("tls-key", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task An_untrusted_server_certificate_fails_the_connection()
    {
        await using var client = CreateClient(trustTestCertificate: false);
        var failure = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync(CancellationToken.None));
        Assert.Contains("TLS handshake", failure.Message, StringComparison.Ordinal);
    }

    private RespRedisClient CreateClient(bool trustTestCertificate) =>
        new(
            new RedisClientOptions
            {
                ConnectionString = RedisConnectionString.Parse($"127.0.0.1:{fixture.Server.Port},ssl=true"),
                KeyPrefix = $"tls:{Guid.NewGuid():N}:",
                CertificateValidation = trustTestCertificate
                    ? (_, certificate, _, _) => certificate?.GetCertHashString() == fixture.CertificateThumbprint
                    : null,
            },
            TimeProvider.System);
}
