using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
