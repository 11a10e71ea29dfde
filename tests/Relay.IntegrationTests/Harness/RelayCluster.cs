using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// The five Relay services as real processes, wired exactly as <c>./run.sh</c> and the AppHost wire them, on
/// free loopback ports and over isolated dependencies. Tests talk to it only through the gateway.
/// </summary>
public class RelayCluster : IAsyncLifetime
{
    public const string ManagementApiKey = "integration-test-management-key";
    public const string AcmeSecret = "acme-demo-secret";
    public const string GlobexSecret = "globex-demo-secret";

    public static readonly string[] ServiceNames = ["Ingress.Api", "Management.Api", "Delivery.Worker", "Replay.Worker", "Gateway"];

    private readonly Dictionary<string, ServiceProcess> services = new();
    private IsolatedDependencies? dependencies;

    /// <summary>Settings for every service (<c>Relay__...</c> keys); subclasses add their own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Relay__Delivery__RetryBaseDelayMs"] = "200",
        ["Relay__RateLimit__PermitsPerMinute"] = "100000",
        // Tests send wrong management keys on purpose, all from 127.0.0.1; ManagementKeyThrottleTests set their own limit.
        ["Relay__ManagementKeyThrottle__MaxFailures"] = "1000000",
    };

    protected virtual string Purpose => "cluster";

    /// <summary>The services this cluster runs (a test of ingest alone needs no workers).</summary>
    protected virtual IReadOnlyList<string> ServicesToRun => ServiceNames;

    /// <summary>When true, every service reaches RabbitMQ through <see cref="RabbitMqProxy"/>, which a test can cut.</summary>
    protected virtual bool ProxyRabbitMq => false;

    /// <summary>The shared Redis by default; a cluster that stops and starts Redis brings a server of its own.</summary>
    protected virtual string RedisConnectionString => TestInfrastructure.Redis;

    public TcpFaultProxy? RabbitMqProxy { get; private set; }

    /// <summary>The last word on every service's environment, for settings that name the services' ports.</summary>
    protected virtual void ConfigureEnvironment(IDictionary<string, string> environment, IReadOnlyDictionary<string, int> ports)
    {
    }

    public IsolatedDependencies Dependencies => dependencies ?? throw new InvalidOperationException("Cluster not started.");
    public ServiceProcess Service(string name) => services[name];
    public Uri GatewayAddress => services["Gateway"].BaseAddress;

    public HttpClient CreateClient(bool withManagementKey = false)
    {
        var client = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (withManagementKey)
        {
            client.DefaultRequestHeaders.Add("x-internal-api-key", ManagementApiKey);
        }
        return client;
    }

    public NpgsqlDataSource OpenDatabase() => Dependencies.OpenDataSource();

    public virtual async Task InitializeAsync()
    {
        dependencies = await IsolatedDependencies.CreateAsync(Purpose);
        var rabbitMq = dependencies.RabbitMqConnectionString;
        if (ProxyRabbitMq)
        {
            var broker = new Uri(rabbitMq);
            RabbitMqProxy = new TcpFaultProxy(broker.Host, broker.Port);
            rabbitMq = new UriBuilder(broker) { Port = RabbitMqProxy.Port }.Uri.ToString().TrimEnd('/');
        }
        var ports = ServiceNames.ToDictionary(name => name, _ => FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__relaydb"] = dependencies.DatabaseConnectionString,
            ["ConnectionStrings__redis"] = RedisConnectionString,
            ["ConnectionStrings__rabbitmq"] = rabbitMq,
            ["Relay__Redis__KeyPrefix"] = dependencies.RedisKeyPrefix,
            ["Relay__ManagementApiKey"] = ManagementApiKey,
            ["Relay__Seed__CallbackBaseUrl"] = $"http://127.0.0.1:{ports["Gateway"]}",
            // The sink is on loopback, which outbound requests refuse otherwise. Every service gets it, so Management checks
            // destination URLs against the same list Delivery sends under.
            ["Relay__Outbound__AllowedHosts__0"] = "127.0.0.1",
            ["ReverseProxy__Clusters__ingress__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["Ingress.Api"]}",
            ["ReverseProxy__Clusters__management__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["Management.Api"]}",
            // Tests of the seed's retry arithmetic drive one destination through many failures in a row; the breaker
            // (tested on its own, with its own setting) would otherwise start deferring their attempts.
            ["Relay__Delivery__CircuitBreakerFailures"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }
        ConfigureEnvironment(environment, ports);
        foreach (var name in ServicesToRun)
        {
            services[name] = new ServiceProcess(name, ports[name], environment);
        }

        // Ingress applies the migrations first so the other services start against a ready schema.
        services["Ingress.Api"].Start();
        await services["Ingress.Api"].WaitHealthyAsync(TimeSpan.FromSeconds(60));
        foreach (var name in ServicesToRun.Where(n => n != "Ingress.Api"))
        {
            services[name].Start();
        }
        await Task.WhenAll(ServicesToRun.Select(name => services[name].WaitHealthyAsync(TimeSpan.FromSeconds(60))));
    }

    public virtual async Task DisposeAsync()
    {
        await Task.WhenAll(services.Values.Select(service => service.DisposeAsync().AsTask()));
        if (RabbitMqProxy is not null)
        {
            await RabbitMqProxy.DisposeAsync();
        }
        if (dependencies is not null)
        {
            await dependencies.DisposeAsync();
        }
    }

    /// <summary>Restarts a service with the same port and settings (after a kill or a graceful stop).</summary>
    public async Task RestartAsync(string name)
    {
        var old = services[name];
        await old.DisposeAsync();
        var replacement = new ServiceProcess(name, old.Port, old.Environment);
        services[name] = replacement;
        replacement.Start();
        await replacement.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Everything the services printed, for assertion messages.</summary>
    public string Logs() => string.Join("\n", services.Values.Select(s => $"--- {s.Name} ---\n{s.RecentOutput}"));

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port that is free now, below Linux's ephemeral range (32768–60999): a port from that range is also
    /// what the next outgoing connection (a database or broker pool) may take between this check and the service's
    /// bind. Never the same port twice in one test run.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(20000, 32000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken: try another.
                }
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<RelayCluster>
{
    public const string Name = "shared cluster";
}
