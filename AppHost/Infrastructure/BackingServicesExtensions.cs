using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Relay.AppHost.Infrastructure;

public static class BackingServicesExtensions
{
    /// <summary>
    /// PostgreSQL (database <c>relaydb</c>), Redis and RabbitMQ (with its management UI): as Aspire containers where a
    /// container runtime answers, otherwise as local servers from the operating system's packages on the loopback
    /// ports <c>scripts/infra.sh</c> uses. <c>Relay:Infrastructure</c> (<c>auto</c>, <c>containers</c>, <c>local</c>)
    /// chooses; <c>auto</c> is the default.
    /// </summary>
    public static BackingServices AddBackingServices(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Relay:Infrastructure", InfrastructureMode.Auto);
        if (mode == InfrastructureMode.Auto)
        {
            mode = ContainerRuntimeProbe.EngineAnswers(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"])
                ? InfrastructureMode.Containers
                : InfrastructureMode.Local;
        }
        return mode == InfrastructureMode.Containers ? builder.AddContainers() : builder.AddLocalServers();
    }

    private static BackingServices AddContainers(this IDistributedApplicationBuilder builder)
    {
        var relaydb = builder.AddPostgres("postgres")
            .WithDataVolume()
            .AddDatabase(BackingServices.DatabaseConnectionName);

        // Aspire may serve Redis over TLS with the developer certificate, which every service would then have to trust;
        // plain TCP on the developer's machine avoids that step. Deployments use ssl=true.
#pragma warning disable ASPIRECERTIFICATES001
        var redis = builder.AddRedis(BackingServices.RedisConnectionName)
            .WithDataVolume()
            .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        var rabbitmq = builder.AddRabbitMQ(BackingServices.RabbitMqConnectionName)
            .WithManagementPlugin()
            .WithDataVolume();

        return new BackingServices(AsConnectionString(relaydb), AsConnectionString(redis), AsConnectionString(rabbitmq), InfrastructureMode.Containers);
    }

    private static BackingServices AddLocalServers(this IDistributedApplicationBuilder builder)
    {
        // The ports and the relay/relay logins are scripts/infra.sh's, so ./test.sh, the AppHost and a developer's
        // psql all reach the same servers; infra.sh installs the packages it needs on first use.
        var postgres = builder.AddLocalServer("postgres", "postgres",
            "Host=127.0.0.1;Port=55432;Username=relay;Password=relay;Database=relaydb",
            async (connectionString, cancellationToken) =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
            });

        var redis = builder.AddLocalServer(BackingServices.RedisConnectionName, "redis", "127.0.0.1:56379",
            async (connectionString, cancellationToken) =>
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},connectTimeout=2000,abortConnect=true");
                await connection.GetDatabase().PingAsync();
            });

        var rabbitmq = builder.AddLocalServer(BackingServices.RabbitMqConnectionName, "rabbitmq", "amqp://relay:relay@127.0.0.1:55672/",
            async (connectionString, cancellationToken) =>
            {
                var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            })
            .WithUrl("http://127.0.0.1:55673", "Management UI (relay / relay)");

        return new BackingServices(AsConnectionString(postgres), AsConnectionString(redis), AsConnectionString(rabbitmq), InfrastructureMode.Local);
    }

    private static IResourceBuilder<LocalServerResource> AddLocalServer(
        this IDistributedApplicationBuilder builder,
        string name,
        string component,
        string connectionString,
        Func<string, CancellationToken, Task> probe)
    {
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var healthCheckName = $"{name}-answers";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckName, async cancellationToken =>
        {
            try
            {
                await probe(connectionString, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{component} does not answer yet: {exception.GetType().Name}");
            }
        }, timeout: TimeSpan.FromSeconds(5));

        var resource = new LocalServerResource(name, Path.Combine(repositoryRoot, "scripts", "infra.sh"), repositoryRoot, connectionString);
        return builder.AddResource(resource)
            .WithArgs("serve", component)
            .WithHealthCheck(healthCheckName);
    }

    // Resource builders are not covariant: re-wrap so both modes hand out the same type.
    private static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        resource.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}
