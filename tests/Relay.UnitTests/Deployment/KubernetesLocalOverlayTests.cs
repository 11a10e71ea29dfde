using System.Data.Common;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// Holds deploy/k8s/overlays/local to its job: the base, one replica per service, locally built images,
/// and in-cluster PostgreSQL/Redis/RabbitMQ whose addresses and credentials match the connection strings
/// the overlay gives the services.
/// </summary>
public sealed class KubernetesLocalOverlayTests
{
    private static readonly KustomizeDir Base = KustomizeDir.Load(RepoPaths.K8sBase);
    private static readonly KustomizeDir Local = KustomizeDir.Load(RepoPaths.K8sLocalOverlay);

    public static TheoryData<string> Services() => RelayConfigContract.ServiceNames();

    [Fact]
    public void Overlay_is_built_on_the_base()
    {
        var bases = Local.Resources
            .Select(r => Path.GetFullPath(Path.Combine(Local.Directory, r)))
            .Where(Directory.Exists);

        Assert.Equal([Path.GetFullPath(RepoPaths.K8sBase)], bases);
    }

    [Fact]
    public void Kustomization_lists_every_file_of_the_overlay_and_they_exist()
    {
        var k = Local.Kustomization;
        var referenced = Local.Resources
            .Concat(k.Seq("patches").Select(p => p.Str("path")).OfType<string>())
            .Concat(k.Strings("patchesStrategicMerge"))
            .Concat(k.Seq("secretGenerator").Concat(k.Seq("configMapGenerator"))
                .SelectMany(g => g.Strings("envs").Concat(g.Strings("files"))))
            .Where(r => !Directory.Exists(Path.Combine(Local.Directory, r)))
            .ToList();

        foreach (var file in referenced)
        {
            Assert.True(File.Exists(Path.Combine(Local.Directory, file)), $"{file} is listed but missing");
        }

        var files = Directory.GetFiles(Local.Directory).Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Equal(files.Order(StringComparer.Ordinal), referenced.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Patches_target_objects_that_exist()
    {
        foreach (var patch in Local.Kustomization.Seq("patches"))
        {
            var file = Path.Combine(Local.Directory, patch.Str("path")!);
            foreach (var target in Yaml.LoadObjects(file))
            {
                Assert.True(
                    Base.Find(target.Kind, target.Name) is not null || Local.Find(target.Kind, target.Name) is not null,
                    $"{target} patches nothing");
            }
        }
    }

    private static IReadOnlyDictionary<string, string> Generated(string secretName, string expectedBehavior)
    {
        var generator = Assert.Single(Local.Kustomization.Seq("secretGenerator"), g => g.Str("name") == secretName);
        Assert.Equal(expectedBehavior, generator.Str("behavior") ?? "create");
        var env = Assert.Single(generator.Strings("envs"));
        return EnvFile.Load(Path.Combine(Local.Directory, env));
    }

    private static IReadOnlyDictionary<string, string> RelaySecrets => Generated("relay-secrets", "replace");

    private static IReadOnlyDictionary<string, string> DependencyCredentials => Generated("relay-dependencies", "create");

    [Fact]
    public void Overlay_replaces_the_base_Secret_with_every_secret_key()
    {
        Assert.NotNull(Base.Find("Secret", "relay-secrets"));
        Assert.Equal(
            RelayConfigContract.SecretKeys.Order(StringComparer.Ordinal),
            RelaySecrets.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Local_secret_values_have_the_formats_the_services_expect()
    {
        var secrets = RelaySecrets;

        var db = Npgsql(secrets[RelayConfigContract.RelayDb]);
        foreach (var key in new[] { "Host", "Port", "Username", "Password", "Database" })
        {
            Assert.True(db.ContainsKey(key), $"{RelayConfigContract.RelayDb} lacks {key}");
        }

        var redis = RedisConfig(secrets[RelayConfigContract.Redis]);
        Assert.False(string.IsNullOrEmpty(redis.Password));

        var amqp = new Uri(secrets[RelayConfigContract.RabbitMq]);
        Assert.Equal("amqp", amqp.Scheme);
        Assert.Contains(':', amqp.UserInfo);

        Assert.True(secrets[RelayConfigContract.ManagementApiKey].Length >= 16, "the management key needs at least 16 characters");
        Assert.Equal(32, Convert.FromBase64String(secrets[RelayConfigContract.EncryptionKey]).Length);
    }

    [Fact]
    public void Local_connection_strings_reach_the_in_cluster_dependencies_with_their_credentials()
    {
        var secrets = RelaySecrets;
        var credentials = DependencyCredentials;

        var db = Npgsql(secrets[RelayConfigContract.RelayDb]);
        AssertServicePort(db["Host"], int.Parse(db["Port"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(credentials["POSTGRES_USER"], db["Username"]);
        Assert.Equal(credentials["POSTGRES_PASSWORD"], db["Password"]);
        Assert.Equal(credentials["POSTGRES_DB"], db["Database"]);

        var redis = RedisConfig(secrets[RelayConfigContract.Redis]);
        AssertServicePort(redis.Host, redis.Port);
        Assert.Equal(credentials["REDIS_PASSWORD"], redis.Password);

        var amqp = new Uri(secrets[RelayConfigContract.RabbitMq]);
        AssertServicePort(amqp.Host, amqp.Port);
        Assert.Equal(
            $"{credentials["RABBITMQ_DEFAULT_USER"]}:{credentials["RABBITMQ_DEFAULT_PASS"]}",
            Uri.UnescapeDataString(amqp.UserInfo));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("rabbitmq")]
    public void Dependencies_are_single_replica_StatefulSets_with_storage_and_known_credentials(string name)
    {
        var statefulSet = new Workload(Local.Get("StatefulSet", name));
        Assert.Equal(1, statefulSet.Object.Root.Int("spec", "replicas"));
        Assert.NotEmpty(statefulSet.Object.Root.Seq("spec", "volumeClaimTemplates"));
        Assert.Equal("ClusterIP", Local.Get("Service", name).Root.Str("spec", "type"));

        foreach (var env in statefulSet.Env.Where(e => e.Secret is not null))
        {
            Assert.Equal("relay-dependencies", env.Secret);
            Assert.Contains(env.Key!, DependencyCredentials.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void One_replica_per_service(string name)
    {
        var baseReplicas = Base.Get("Deployment", name).Root.Int("spec", "replicas");
        var hpa = Base.Find("HorizontalPodAutoscaler", name);
        var patched = PatchedObjects().ToList();

        if (baseReplicas is not null)
        {
            var patch = Assert.Single(patched, p => p.Kind == "Deployment" && p.Name == name);
            Assert.Equal(1, patch.Root.Int("spec", "replicas"));
        }
        else
        {
            Assert.NotNull(hpa);
        }

        if (hpa is not null)
        {
            var patch = Assert.Single(patched, p => p.Kind == "HorizontalPodAutoscaler" && p.Name == name);
            Assert.Equal(1, patch.Root.Int("spec", "minReplicas"));
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Images_are_the_locally_built_ones(string name)
    {
        var entry = Assert.Single(Local.Kustomization.Seq("images"), i => i.Str("name") == $"relay/{name}");
        Assert.Equal("local", entry.Str("newTag"));
    }

    private static IEnumerable<K8sObject> PatchedObjects() =>
        Local.Kustomization.Seq("patches")
            .SelectMany(p => Yaml.LoadObjects(Path.Combine(Local.Directory, p.Str("path")!)));

    private static void AssertServicePort(string host, int port)
    {
        var service = Local.Find("Service", host) ?? Base.Find("Service", host);
        Assert.True(service is not null, $"no Service named {host} in the overlay");
        Assert.Contains(service.Root.Seq("spec", "ports"), p => p.Int("port") == port);
    }

    private static Dictionary<string, string> Npgsql(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.Keys.Cast<string>().ToDictionary(k => k, k => builder[k].ToString() ?? "", StringComparer.OrdinalIgnoreCase);
    }

    private static (string Host, int Port, string? Password) RedisConfig(string value)
    {
        var parts = value.Split(',');
        var endpoint = parts[0].Split(':');
        Assert.Equal(2, endpoint.Length);
        var options = parts.Skip(1)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1] : "", StringComparer.OrdinalIgnoreCase);
        return (endpoint[0], int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture), options.GetValueOrDefault("password"));
    }
}
