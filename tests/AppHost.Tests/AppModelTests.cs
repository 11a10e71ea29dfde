namespace Relay.AppHost.Tests;

/// <summary>
/// Holds AppHost/AppHost.cs to the topology in the architecture document, with Aspire's containers: the backing
/// services, the five Relay services with their references, waits and replicas, the secrets, and the gateway as the
/// only external endpoint. The configuration keys are the ones the Kubernetes manifests set as well.
/// </summary>
public sealed class AppModelTests(ContainerModelFixture app) : IClassFixture<ContainerModelFixture>
{
    private static readonly string[] Services =
        ["gateway", "ingress-api", "management-api", "delivery-worker", "replay-worker"];

    private static readonly string[] BackingServices = ["relaydb", "redis", "rabbitmq"];

    public static TheoryData<string> ServiceNames()
    {
        var data = new TheoryData<string>();
        foreach (var service in Services)
        {
            data.Add(service);
        }

        return data;
    }

    [Fact]
    public void Backing_services_are_postgres_with_relaydb_redis_and_rabbitmq_with_management_plugin()
    {
        var postgres = Assert.IsType<PostgresServerResource>(app.Resource("postgres"));
        var relaydb = Assert.IsType<PostgresDatabaseResource>(app.Resource("relaydb"));
        Assert.Same(postgres, relaydb.Parent);
        Assert.Equal("relaydb", relaydb.DatabaseName);

        Assert.IsType<RedisResource>(app.Resource("redis"));

        var rabbitmq = Assert.IsType<RabbitMQServerResource>(app.Resource("rabbitmq"));
        Assert.Contains(rabbitmq.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "management");
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("rabbitmq")]
    public void Backing_services_keep_their_data_in_a_volume(string name)
    {
        var mounts = app.Resource(name).Annotations.OfType<ContainerMountAnnotation>();
        Assert.Contains(mounts, m => m.Type == ContainerMountType.Volume);
    }

    [Theory]
    [InlineData("management-api-key")]
    [InlineData("encryption-key")]
    public void Keys_are_secret_parameters(string name)
    {
        var parameter = Assert.IsType<ParameterResource>(app.Resource(name));
        Assert.True(parameter.Secret);
    }

    [Fact]
    public void The_five_services_are_project_resources_and_nothing_else_is()
    {
        var projects = app.Model.Resources.OfType<ProjectResource>().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(Services.Order(StringComparer.Ordinal), projects);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Every_service_references_and_waits_for_postgres_redis_and_rabbitmq(string service)
    {
        var project = app.Project(service);

        var references = project.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);
        var waits = project.Annotations.OfType<WaitAnnotation>()
            .Where(w => w.WaitType == WaitType.WaitUntilHealthy)
            .Select(w => w.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var dependency in BackingServices)
        {
            Assert.Contains(dependency, references);
            Assert.Contains(dependency, waits);
        }
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Every_service_gets_the_three_connection_strings_under_the_standard_keys(string service)
    {
        var env = await AppModelFixture.PublishEnvironmentAsync(app.Project(service));

        Assert.Equal("{relaydb.connectionString}", env["ConnectionStrings__relaydb"]);
        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        Assert.Equal("{rabbitmq.connectionString}", env["ConnectionStrings__rabbitmq"]);
    }

    [Theory]
    [InlineData("gateway", false, false)]
    // Ingress reads the management key since the publish API takes it as the bootstrap admin.
    [InlineData("ingress-api", true, true)]
    [InlineData("management-api", true, true)]
    [InlineData("delivery-worker", false, true)]
    [InlineData("replay-worker", false, false)]
    public async Task Secrets_go_only_to_the_services_that_read_them(string service, bool managementKey, bool encryptionKey)
    {
        var env = await AppModelFixture.PublishEnvironmentAsync(app.Project(service));

        AssertSetTo(env, "Relay__ManagementApiKey", managementKey ? "{management-api-key.value}" : null);
        AssertSetTo(env, "Relay__Security__EncryptionKey", encryptionKey ? "{encryption-key.value}" : null);
    }

    [Theory]
    [InlineData("gateway", null)]
    [InlineData("ingress-api", null)]
    [InlineData("management-api", "127.0.0.1")]
    [InlineData("delivery-worker", "127.0.0.1")]
    [InlineData("replay-worker", null)]
    public async Task Outside_Production_the_services_that_judge_callback_urls_allow_the_loopback_sink(string service, string? allowed)
    {
        var env = await AppModelFixture.PublishEnvironmentAsync(app.Project(service));

        // Delivery calls callback URLs and Management checks them when they are set: the same allow-list for both.
        AssertSetTo(env, "Relay__Outbound__AllowedHosts__0", allowed);
    }

    [Fact]
    public async Task Gateway_routes_its_ingress_and_management_clusters_to_those_services()
    {
        var env = await AppModelFixture.PublishEnvironmentAsync(app.Project("gateway"));

        Assert.Equal("http://ingress-api", env["ReverseProxy__Clusters__ingress__Destinations__d1__Address"]);
        Assert.Equal("http://management-api", env["ReverseProxy__Clusters__management__Destinations__d1__Address"]);
        // Service discovery resolves the names from the endpoints the references inject.
        Assert.Equal("{ingress-api.bindings.http.url}", env["services__ingress-api__http__0"]);
        Assert.Equal("{management-api.bindings.http.url}", env["services__management-api__http__0"]);
    }

    [Fact]
    public void Gateway_waits_for_ingress_and_management()
    {
        var waits = app.Project("gateway").Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);
        Assert.Contains("ingress-api", waits);
        Assert.Contains("management-api", waits);
    }

    [Theory]
    [InlineData("gateway", 1)]
    [InlineData("ingress-api", 2)]
    [InlineData("management-api", 1)]
    [InlineData("delivery-worker", 2)]
    [InlineData("replay-worker", 1)]
    public void Replicas(string service, int expected)
    {
        var replicas = app.Project(service).Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        Assert.Equal(expected, replicas);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Every_service_has_one_http_endpoint_and_only_the_gateway_is_external_on_port_8080(string service)
    {
        var endpoint = Assert.Single(app.Project(service).Annotations.OfType<EndpointAnnotation>());
        Assert.Equal("http", endpoint.Name);
        Assert.Equal("http", endpoint.UriScheme);

        if (service == "gateway")
        {
            Assert.True(endpoint.IsExternal);
            Assert.Equal(8080, endpoint.Port);
        }
        else
        {
            Assert.False(endpoint.IsExternal);
        }
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Every_service_is_health_checked(string service)
    {
        Assert.NotEmpty(app.Project(service).Annotations.OfType<HealthCheckAnnotation>());
    }

    private static void AssertSetTo(Dictionary<string, string> env, string key, string? expected)
    {
        if (expected is null)
        {
            Assert.False(env.ContainsKey(key), $"{key} must not be set here");
        }
        else
        {
            Assert.Equal(expected, env[key]);
        }
    }
}
