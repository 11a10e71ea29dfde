using Relay.AppHost.Infrastructure;

namespace Relay.AppHost.Tests;

/// <summary>
/// Without a container runtime the AppHost runs PostgreSQL, Redis and RabbitMQ from the operating system's packages
/// through <c>scripts/infra.sh serve</c>, and hands the services the same connection strings under the same keys.
/// </summary>
public sealed class LocalModelTests(LocalModelFixture app) : IClassFixture<LocalModelFixture>
{
    [Theory]
    [InlineData("postgres", "postgres", "Host=127.0.0.1;Port=55432;Username=relay;Password=relay;Database=relaydb")]
    [InlineData("redis", "redis", "127.0.0.1:56379")]
    [InlineData("rabbitmq", "rabbitmq", "amqp://relay:relay@127.0.0.1:55672/")]
    public async Task Backing_services_are_local_servers_run_by_infra_sh(string name, string component, string connectionString)
    {
        var server = Assert.IsType<LocalServerResource>(app.Resource(name));

        Assert.EndsWith("scripts/infra.sh", server.Command, StringComparison.Ordinal);
        Assert.True(File.Exists(server.Command), $"{server.Command} does not exist");
        var args = await ArgumentsOf(server);
        Assert.Equal(["serve", component], args);
        Assert.Equal(connectionString, await server.ConnectionStringExpression.GetValueAsync(CancellationToken.None));
        Assert.NotEmpty(server.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public void No_container_is_in_the_model()
    {
        Assert.Empty(app.Model.Resources.OfType<ContainerResource>());
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("ingress-api")]
    [InlineData("management-api")]
    [InlineData("delivery-worker")]
    [InlineData("replay-worker")]
    public async Task Every_service_gets_the_three_connection_strings_and_waits_for_the_servers(string service)
    {
        var project = app.Project(service);
        var env = await AppModelFixture.PublishEnvironmentAsync(project);

        Assert.Equal("{postgres.connectionString}", env["ConnectionStrings__relaydb"]);
        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        Assert.Equal("{rabbitmq.connectionString}", env["ConnectionStrings__rabbitmq"]);

        var waits = project.Annotations.OfType<WaitAnnotation>()
            .Where(w => w.WaitType == WaitType.WaitUntilHealthy)
            .Select(w => w.Resource.Name);
        Assert.Equal(["postgres", "rabbitmq", "redis"], waits.Where(n => n is "postgres" or "redis" or "rabbitmq").Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> ArgumentsOf(IResource resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return args.Select(a => a.ToString()!).ToList();
    }
}
