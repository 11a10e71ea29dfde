using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// The gateway alone, its PostgreSQL, Redis and RabbitMQ connection strings pointing at closed loopback ports (one by
/// host name), so every dependency check fails without stopping anything shared. The gateway needs none of them to
/// start: it answers the public health route itself and stays ready.
/// </summary>
public sealed class UnreachableDependenciesGateway : IAsyncLifetime
{
    public ServiceProcess Gateway { get; private set; } = null!;
    public int PostgresPort { get; } = RelayCluster.FreePort();
    public int RedisPort { get; } = RelayCluster.FreePort();
    public int RabbitMqPort { get; } = RelayCluster.FreePort();
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        var port = RelayCluster.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__relaydb"] = $"Host=localhost;Port={PostgresPort};Username=relay;Password=relay;Database=relay_unreachable;Timeout=3",
            ["ConnectionStrings__redis"] = $"localhost:{RedisPort}",
            ["ConnectionStrings__rabbitmq"] = $"amqp://relay:relay@127.0.0.1:{RabbitMqPort}/",
            ["ReverseProxy__Clusters__ingress__Destinations__d1__Address"] = $"http://127.0.0.1:{RelayCluster.FreePort()}",
            ["ReverseProxy__Clusters__management__Destinations__d1__Address"] = $"http://127.0.0.1:{RelayCluster.FreePort()}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        Gateway = new ServiceProcess("Gateway", port, environment);
        Gateway.LineWritten += Lines.Enqueue;
        Gateway.Start();
        await Gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

public sealed class PublicHealthTests(UnreachableDependenciesGateway fixture) : IClassFixture<UnreachableDependenciesGateway>
{
    private static readonly string[] GenericDetails = ["unreachable", "timed out", "authentication failed", "unavailable"];

    [Fact]
    public async Task The_public_health_answer_names_the_failing_dependencies_with_a_generic_reason_and_nothing_internal()
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var response = await client.GetAsync("/api/v1/health");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.Equal("degraded", json["data"]!["status"]!.GetValue<string>());
        foreach (var dependency in new[] { "postgres", "redis", "rabbitmq" })
        {
            var check = json["data"]!["checks"]![dependency]!;
            Assert.Equal("error", check["status"]!.GetValue<string>());
            Assert.Contains(check["detail"]!.GetValue<string>(), GenericDetails);
        }
        AssertNothingInternal(body);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task The_gateways_own_probes_show_nothing_internal_either(string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var body = await client.GetStringAsync(path);

        AssertNothingInternal(body);
    }

    [Fact]
    public async Task The_full_detail_is_logged_once_per_change_of_state_not_per_probe()
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        for (var probe = 0; probe < 4; probe++)
        {
            using var response = await client.GetAsync("/api/v1/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        await Task.Delay(500);

        var logged = fixture.Lines.ToList();
        foreach (var (check, port) in new[] { ("postgres", fixture.PostgresPort), ("redis", fixture.RedisPort), ("rabbitmq", fixture.RabbitMqPort) })
        {
            // Neither the health service's own per-probe line nor one of Relay's per probe: one line, with what the
            // public answer leaves out.
            var lines = logged.Where(line => line.Contains($"Health check {check} ", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count == 1, $"{check}: {lines.Count} lines\n{string.Join("\n", logged)}");
            Assert.Contains("is failing", lines[0], StringComparison.Ordinal);
            Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0], StringComparison.Ordinal);
        }
    }

    private void AssertNothingInternal(string body)
    {
        string[] forbidden =
        [
            "127.0.0.1", "localhost", "::1",
            fixture.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            fixture.RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            fixture.RabbitMqPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Exception", "exception", "connect to", "Connection refused", "Redis PING", "Npgsql", "relay_unreachable", "amqp",
        ];
        foreach (var text in forbidden)
        {
            Assert.False(body.Contains(text, StringComparison.OrdinalIgnoreCase), $"'{text}' in the public health answer: {body}");
        }
        // No address or host:port of any kind (the timestamp's own colons are followed by two digits and a dot or a colon).
        Assert.DoesNotMatch(new Regex(@"\b\d{1,3}(\.\d{1,3}){3}\b"), body);
        Assert.DoesNotMatch(new Regex(@"[A-Za-z\]]:\d{2,5}\b"), body);
    }
}
