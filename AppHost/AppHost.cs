// Relay's distributed application model for local runs: PostgreSQL (+ the relaydb database), Redis,
// RabbitMQ with its management UI, and the five services wired to them through the same configuration
// keys the Kubernetes manifests use (see /work/shared/design/architecture.md, "Configuration: one
// contract"):
//
//   ConnectionStrings:relaydb / :redis / :rabbitmq   <- WithReference(resource) on the resource names below
//   Relay:ManagementApiKey, Relay:Security:EncryptionKey <- secret parameters
//   ReverseProxy:Clusters:{ingress|management}:Destinations:d1:Address (gateway) <- endpoint references
//   OTEL_*                                           <- injected by AddProject for every project resource
//
// API reference: Aspire 13.1 (Aspire.Hosting, Aspire.Hosting.PostgreSQL/.Redis/.RabbitMQ; public API
// listings in the dotnet/aspire repository under src/*/api/*.cs).

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// ---- Secrets -------------------------------------------------------------------------------------
// Values come from configuration key Parameters:<name> (user secrets, environment variable
// Parameters__<name>, or the dashboard's prompt for missing parameters). Nothing secret is checked in.
var managementApiKey = builder.AddParameter("management-api-key", secret: true);
var encryptionKey = builder.AddParameter("encryption-key", secret: true);

// ---- Backing services ----------------------------------------------------------------------------
// The database resource is named "relaydb", so WithReference(relaydb) injects ConnectionStrings__relaydb
// in Npgsql format (Host=..;Port=..;Username=..;Password=..;Database=relaydb).
var postgres = builder.AddPostgres("postgres")
    .WithDataVolume();
var relaydb = postgres.AddDatabase("relaydb");

// ConnectionStrings__redis is "host:port,password=..,ssl=<bool>". Aspire 13.x may serve Redis over TLS
// with the ASP.NET developer certificate, which the services would have to trust; plain TCP on the
// developer's machine keeps that step away, so opt out.
// WithoutHttpsCertificate is experimental (ASPIRECERTIFICATES001, introduced in 13.0:
// https://aspire.dev/diagnostics/aspirecertificates001).
#pragma warning disable ASPIRECERTIFICATES001
var redis = builder.AddRedis("redis")
    .WithDataVolume()
    .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

// ConnectionStrings__rabbitmq is "amqp://user:pass@host:port".
var rabbitmq = builder.AddRabbitMQ("rabbitmq")
    .WithManagementPlugin()
    .WithDataVolume();

// ---- Services --------------------------------------------------------------------------------------
var ingress = AddRelayService<Projects.Ingress_Api>("ingress-api")
    // Two replicas behind the AppHost's proxy, which load-balances between them (WithReplicas remarks).
    .WithReplicas(2)
    .WithEnvironment("Relay__Security__EncryptionKey", encryptionKey);

var management = AddRelayService<Projects.Management_Api>("management-api")
    .WithEnvironment("Relay__ManagementApiKey", managementApiKey)
    .WithEnvironment("Relay__Security__EncryptionKey", encryptionKey);

var delivery = AddRelayService<Projects.Delivery_Worker>("delivery-worker")
    // Competing consumers; retries are claimed with FOR UPDATE SKIP LOCKED, so two is safe.
    .WithReplicas(2)
    .WithEnvironment("Relay__Security__EncryptionKey", encryptionKey);
if (!builder.Environment.IsProduction())
{
    // The seeded integrations deliver to the development sink through the gateway on 127.0.0.1:8080, a
    // loopback address the SSRF guard refuses unless allow-listed (Production refuses any allow-list).
    delivery.WithEnvironment("Relay__Outbound__AllowedHosts__0", "127.0.0.1");
}

AddRelayService<Projects.Replay_Worker>("replay-worker");

// The gateway is the only public entry point: fixed host port 8080, marked external. Its YARP clusters
// point at the other services' "http" endpoints (for the replicated ingress that is the proxy address).
AddRelayService<Projects.Gateway>("gateway", port: 8080)
    .WithExternalHttpEndpoints()
    .WithEnvironment("ReverseProxy__Clusters__ingress__Destinations__d1__Address", ingress.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__management__Destinations__d1__Address", management.GetEndpoint("http"))
    .WaitFor(ingress)
    .WaitFor(management);

builder.Build().Run();

// Every Relay service is an ASP.NET Core host with /health (readiness: PostgreSQL, Redis, RabbitMQ) and
// /alive, and needs all three connection strings.
IResourceBuilder<ProjectResource> AddRelayService<TProject>(string name, int? port = null)
    where TProject : IProjectMetadata, new()
{
    return builder
        // Ignore the services' launchSettings.json and Kestrel sections: the AppHost owns the endpoints, so
        // the single "http" endpoint below is the only one and ASPNETCORE_URLS is derived from it
        // (ProjectResourceOptions.ExcludeLaunchProfile / ExcludeKestrelEndpoints).
        .AddProject<TProject>(name, options =>
        {
            options.ExcludeLaunchProfile = true;
            options.ExcludeKestrelEndpoints = true;
        })
        .WithHttpEndpoint(port: port, name: "http")
        .WithHttpHealthCheck("/health", endpointName: "http")
        // Without a launch profile nothing sets the environment name; use the AppHost's own (Development
        // when started with its launch profile).
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
        .WithReference(relaydb).WaitFor(relaydb)
        .WithReference(redis).WaitFor(redis)
        .WithReference(rabbitmq).WaitFor(rabbitmq);
}
