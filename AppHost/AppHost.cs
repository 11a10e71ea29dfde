// Relay's distributed application: PostgreSQL (database relaydb), Redis and RabbitMQ, and the five services wired
// to them through the configuration keys the Kubernetes manifests use as well:
//   ConnectionStrings:relaydb / :redis / :rabbitmq   <- WithReference on the backing services
//   Relay:ManagementApiKey, Relay:Security:EncryptionKey <- secret parameters
//   ReverseProxy:Clusters:{ingress|management}:Destinations:d1:Address (gateway) <- service names, resolved by discovery
//   OTEL_*                                           <- set by Aspire for every project, pointing at the dashboard
using Microsoft.Extensions.Hosting;
using Relay.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets come from Parameters:<name> (user secrets, or Parameters__<name> in the environment, as ./run.sh sets).
// Outside Production a missing management key is generated once and kept in this project's user secrets; a missing
// encryption key leaves the services on their development key. Production needs both, and the dashboard asks.
var managementApiKey = builder.Environment.IsProduction() || builder.Configuration["Parameters:management-api-key"] is not null
    ? builder.AddParameter("management-api-key", secret: true)
    : builder.AddParameter("management-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var encryptionKey = builder.Environment.IsProduction() || builder.Configuration["Parameters:encryption-key"] is not null
    ? builder.AddParameter("encryption-key", secret: true)
    : null;

var backing = builder.AddBackingServices();

var ingress = AddRelayService<Projects.Ingress_Api>("ingress-api", readsSecrets: true)
    // The publish API (POST /api/v1/events) takes the management key as the bootstrap admin, as Management does.
    .WithEnvironment("Relay__ManagementApiKey", managementApiKey)
    // Two replicas behind the AppHost's proxy, which balances between them.
    .WithReplicas(2);

var management = AddRelayService<Projects.Management_Api>("management-api", readsSecrets: true)
    .WithEnvironment("Relay__ManagementApiKey", managementApiKey);

var delivery = AddRelayService<Projects.Delivery_Worker>("delivery-worker", readsSecrets: true)
    // Competing consumers; retries are claimed with FOR UPDATE SKIP LOCKED, so two is safe.
    .WithReplicas(2);
if (!builder.Environment.IsProduction())
{
    // The seeded integrations deliver to the development sink through the gateway on 127.0.0.1:8080, a loopback
    // address the SSRF guard refuses unless allow-listed (Production refuses any allow-list). Management checks
    // callback and destination URLs with the same guard, so it gets the same list: what one accepts, the other sends to.
    delivery.WithEnvironment("Relay__Outbound__AllowedHosts__0", "127.0.0.1");
    management.WithEnvironment("Relay__Outbound__AllowedHosts__0", "127.0.0.1");
}

AddRelayService<Projects.Replay_Worker>("replay-worker");

// The only public entry point, on a fixed port. Its YARP clusters name the services and find them through service
// discovery (services__ingress-api__http__0, ...); Kubernetes sets plain addresses under the same keys.
AddRelayService<Projects.Gateway>("gateway", port: 8080)
    .WithExternalHttpEndpoints()
    .WithReference(ingress)
    .WithReference(management)
    .WithEnvironment("ReverseProxy__Clusters__ingress__Destinations__d1__Address", "http://ingress-api")
    .WithEnvironment("ReverseProxy__Clusters__management__Destinations__d1__Address", "http://management-api")
    .WaitFor(ingress)
    .WaitFor(management)
    // The dashboard links to the operator console and the API reference beside the gateway's address.
    .WithUrls(context =>
    {
        if (context.Urls.FirstOrDefault(url => url.Endpoint?.EndpointName == "http") is not { } gateway)
        {
            return;
        }
        var root = gateway.Url.TrimEnd('/');
        context.Urls.Add(new ResourceUrlAnnotation { Url = $"{root}/console/", DisplayText = "Operator console", Endpoint = gateway.Endpoint });
        context.Urls.Add(new ResourceUrlAnnotation { Url = $"{root}/docs", DisplayText = "API reference", Endpoint = gateway.Endpoint });
    });

builder.Build().Run();

// Every Relay service is an ASP.NET Core host with /health (readiness) and /alive and reads all three connection
// strings; those that handle integration secrets get the encryption key.
IResourceBuilder<ProjectResource> AddRelayService<TProject>(string name, int? port = null, bool readsSecrets = false)
    where TProject : IProjectMetadata, new()
{
    var service = builder
        // The AppHost owns the endpoints: launch profiles and Kestrel sections are ignored, so the one "http"
        // endpoint below is the only one.
        .AddProject<TProject>(name, options =>
        {
            options.ExcludeLaunchProfile = true;
            options.ExcludeKestrelEndpoints = true;
        })
        .WithHttpEndpoint(port: port, name: "http")
        .WithHttpHealthCheck("/health", endpointName: "http")
        // Without a launch profile nothing sets the environment name; use the AppHost's own.
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
        .WithReference(backing.Database, BackingServices.DatabaseConnectionName).WaitFor(backing.Database)
        .WithReference(backing.Redis, BackingServices.RedisConnectionName).WaitFor(backing.Redis)
        .WithReference(backing.RabbitMq, BackingServices.RabbitMqConnectionName).WaitFor(backing.RabbitMq);
    if (readsSecrets && encryptionKey is not null)
    {
        service.WithEnvironment("Relay__Security__EncryptionKey", encryptionKey);
    }
    return service;
}
