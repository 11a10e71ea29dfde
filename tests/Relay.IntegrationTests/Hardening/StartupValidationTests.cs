using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// In Production a service refuses to start without its keys, with a bad key, or with an outbound allow-list:
/// it exits at startup naming the setting, before it touches a dependency (the connection strings lead nowhere).
/// </summary>
public sealed class StartupValidationTests
{
    private static readonly string ValidEncryptionKey = Convert.ToBase64String(new byte[32]);

    /// <param name="setting">The one setting that differs from a valid configuration; <c>KEY=</c> leaves it unset.</param>
    [Theory]
    [InlineData("Ingress.Api", "Relay__Security__EncryptionKey=", "Relay:Security:EncryptionKey is required in Production")]
    [InlineData("Ingress.Api", "Relay__Security__EncryptionKey=not base64!", "Relay:Security:EncryptionKey must be base64")]
    [InlineData("Ingress.Api", "Relay__Security__EncryptionKey=AAAAAAAAAAAAAAAAAAAAAA==", "must decode to 32 bytes")]
    [InlineData("Management.Api", "Relay__ManagementApiKey=", "Relay:ManagementApiKey must be set")]
    [InlineData("Management.Api", "Relay__ManagementApiKey=too-short", "Relay:ManagementApiKey must be set")]
    [InlineData("Delivery.Worker", "Relay__Outbound__AllowedHosts__0=127.0.0.1", "Relay:Outbound:AllowedHosts must be empty in Production")]
    [InlineData("Delivery.Worker", "Relay__Outbound__AllowedHosts__0=10.0.0.0/8", "Relay:Outbound:AllowedHosts must be empty in Production")]
    [InlineData("Management.Api", "Relay__Outbound__AllowedHosts__0=127.0.0.1", "Relay:Outbound:AllowedHosts must be empty in Production")]
    public async Task Production_refuses_to_start_with_missing_or_unsafe_security_settings(string service, string setting, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__relaydb"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=nothing;Database=nowhere",
            ["ConnectionStrings__redis"] = "127.0.0.1:1",
            ["ConnectionStrings__rabbitmq"] = "amqp://nobody:nothing@127.0.0.1:1",
            ["Relay__ManagementApiKey"] = "a-valid-management-key-of-some-length",
            ["Relay__Security__EncryptionKey"] = ValidEncryptionKey,
            ["Logging__Console__FormatterName"] = "simple",
        };
        var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        if (value.Length == 0)
        {
            environment.Remove(key);
        }
        else
        {
            environment[key] = value;
        }

        await using var process = new ServiceProcess(service, RelayCluster.FreePort(), environment);
        process.Start();
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => process.WaitHealthyAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("exited with code", exception.Message);
        Assert.Contains(expected, exception.Message);
        Assert.DoesNotContain(ValidEncryptionKey, exception.Message);
    }
}
