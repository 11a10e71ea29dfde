using System.Text.RegularExpressions;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// Holds deploy/k8s/base to Relay's deployment rules: a Deployment and a Service per service, the health
/// probes, the configuration contract (every key set is read, every required key is set, secrets only from
/// Secrets), autoscaling and disruption budgets, graceful shutdown, a locked-down pod, and the gateway as
/// the only thing exposed. No cluster is needed: the manifests are parsed.
/// </summary>
public sealed class KubernetesBaseTests
{
    private static readonly KustomizeDir Base = KustomizeDir.Load(RepoPaths.K8sBase);

    public static TheoryData<string> Services() => RelayConfigContract.ServiceNames();

    private static Workload Deployment(string name) => new(Base.Get("Deployment", name));

    [Fact]
    public void Kustomization_lists_every_file_of_the_base_and_only_those()
    {
        var files = Directory.GetFiles(Base.Directory)
            .Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

        Assert.Equal(files, Base.Resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Base_holds_exactly_the_five_services_workloads()
    {
        var expected = RelayConfigContract.Services.Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, Base.OfKind("Deployment").Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Empty(Base.OfKind("StatefulSet"));
        Assert.Empty(Base.OfKind("DaemonSet"));
        Assert.Equal(expected, Base.OfKind("Service").Select(d => d.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Service_selects_the_deployments_pods_and_targets_its_http_port(string name)
    {
        var deployment = Deployment(name);
        var service = Base.Get("Service", name);

        var selector = service.Root.Pairs("spec", "selector");
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.True(deployment.PodLabels.TryGetValue(key, out var label) && label == value,
                $"Service {name} selects {key}={value}, which the pods of Deployment {name} do not carry");
        }

        var matchLabels = deployment.Object.Root.Pairs("spec", "selector", "matchLabels");
        Assert.Equal(selector, matchLabels);

        var port = Assert.Single(service["spec", "ports"].Seq());
        var target = port.Str("targetPort");
        Assert.True(target == "http" || target == "8080", $"Service {name} targets port {target}");
        Assert.Equal("8080", deployment.PortNamed("http").Str("containerPort"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Readiness_probes_health_and_liveness_probes_alive(string name)
    {
        var container = Deployment(name).Container;

        AssertHttpProbe(container, "readinessProbe", "/health");
        AssertHttpProbe(container, "livenessProbe", "/alive");
        if (container.Child("startupProbe") is not null)
        {
            AssertHttpProbe(container, "startupProbe", "/alive");
        }
    }

    private static void AssertHttpProbe(YamlDotNet.RepresentationModel.YamlNode container, string probe, string path)
    {
        Assert.Equal(path, container.Str(probe, "httpGet", "path"));
        var port = container.Str(probe, "httpGet", "port");
        Assert.True(port == "http" || port == "8080", $"{probe} uses port {port}, not the container's http port");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_variable_set_is_one_the_service_reads(string name)
    {
        var spec = RelayConfigContract.Service(name);
        var unread = Deployment(name).EnvNames(Base).Where(key => !spec.Reads(key)).ToList();

        Assert.True(unread.Count == 0, $"{name} is given keys it does not read: {string.Join(", ", unread)}");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_key_the_service_requires_is_set_exactly_once(string name)
    {
        var names = Deployment(name).EnvNames(Base);

        foreach (var key in RelayConfigContract.Service(name).Required)
        {
            Assert.True(names.Count(n => n == key) == 1, $"{name} must be given {key} exactly once");
        }

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Env_references_resolve_to_keys_that_exist(string name)
    {
        foreach (var env in Deployment(name).Env)
        {
            if (env.ConfigMap is { } cm)
            {
                Assert.Contains(env.Key!, Base.Get("ConfigMap", cm).Root.Pairs("data").Keys);
            }
            else if (env.Secret is { } secret)
            {
                Assert.Contains(env.Key!, Workload.SecretKeysOf(Base.Get("Secret", secret)));
            }
            else
            {
                Assert.True(env.Literal is not null, $"{name}: {env.Name} has neither a value nor a ConfigMap/Secret reference");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Secret_values_come_only_from_Secrets(string name)
    {
        var deployment = Deployment(name);
        foreach (var env in deployment.Env.Where(e => RelayConfigContract.SecretKeys.Contains(e.Name)))
        {
            Assert.True(env.Secret is not null, $"{name}: {env.Name} must come from a secretKeyRef");
        }

        foreach (var from in deployment.Container.Seq("envFrom"))
        {
            if (from.Str("configMapRef", "name") is { } cm)
            {
                var keys = Base.Get("ConfigMap", cm).Root.Pairs("data").Keys;
                Assert.DoesNotContain(keys, RelayConfigContract.SecretKeys.Contains);
            }
        }
    }

    [Fact]
    public void The_Secret_declares_every_secret_key_and_no_other()
    {
        var secret = Assert.Single(Base.OfKind("Secret"));
        Assert.Equal(
            RelayConfigContract.SecretKeys.Order(StringComparer.Ordinal),
            Workload.SecretKeysOf(secret).Order(StringComparer.Ordinal));
    }

    // A password in a connection string or URI, or something shaped like a key.
    private static readonly Regex SecretLooking = new(
        @"(?i)(password|pwd)\s*=|^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^@\s]+@|^[A-Za-z0-9+/]{43}=$",
        RegexOptions.CultureInvariant);

    [Fact]
    public void No_secret_sits_in_a_ConfigMap()
    {
        foreach (var configMap in Base.OfKind("ConfigMap"))
        {
            foreach (var (key, value) in configMap.Root.Pairs("data"))
            {
                Assert.DoesNotContain(key, RelayConfigContract.SecretKeys);
                Assert.False(key.StartsWith("ConnectionStrings__", StringComparison.Ordinal), $"{configMap}: {key} belongs in a Secret");
                Assert.False(Regex.IsMatch(key, "(?i)password|secret|apikey|encryptionkey"), $"{configMap}: {key} looks secret");
                Assert.False(SecretLooking.IsMatch(value), $"{configMap}: the value of {key} looks secret");
            }
        }
    }

    [Fact]
    public void Every_ConfigMap_key_is_used_by_some_service()
    {
        var used = Base.OfKind("Deployment").SelectMany(d => new Workload(d).EnvNames(Base)).ToHashSet(StringComparer.Ordinal);
        foreach (var configMap in Base.OfKind("ConfigMap"))
        {
            foreach (var key in configMap.Root.Pairs("data").Keys)
            {
                Assert.True(used.Contains(key), $"{configMap}: nothing reads {key}");
            }
        }
    }

    [Fact]
    public void Autoscalers_target_the_ingress_and_delivery_deployments()
    {
        var hpas = Base.OfKind("HorizontalPodAutoscaler").ToList();
        Assert.Equal(
            ["delivery-worker", "ingress-api"],
            hpas.Select(h => h.Root.Str("spec", "scaleTargetRef", "name")).Order(StringComparer.Ordinal));

        foreach (var hpa in hpas)
        {
            Assert.Equal("autoscaling/v2", hpa.Root.Str("apiVersion"));
            Assert.Equal("apps/v1", hpa.Root.Str("spec", "scaleTargetRef", "apiVersion"));
            Assert.Equal("Deployment", hpa.Root.Str("spec", "scaleTargetRef", "kind"));

            var min = hpa.Root.Int("spec", "minReplicas") ?? 1;
            var max = hpa.Root.Int("spec", "maxReplicas") ?? 0;
            Assert.True(min >= 2, $"{hpa}: at least two replicas in the base");
            Assert.True(max > min, $"{hpa}: maxReplicas {max} leaves no room above minReplicas {min}");

            var target = Deployment(hpa.Root.Str("spec", "scaleTargetRef", "name")!);
            // Utilization targets are relative to requests; and the autoscaler, not the manifest, owns replicas.
            Assert.NotNull(target.Container.Str("resources", "requests", "cpu"));
            Assert.Null(target.Object["spec", "replicas"]);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_service_has_a_disruption_budget_over_its_pods(string name)
    {
        var pdb = Base.Get("PodDisruptionBudget", name);
        Assert.Equal("policy/v1", pdb.Root.Str("apiVersion"));
        Assert.True(pdb.Root.Child("spec").Child("minAvailable") is not null || pdb.Root.Child("spec").Child("maxUnavailable") is not null,
            $"{pdb} sets neither minAvailable nor maxUnavailable");

        var labels = Deployment(name).PodLabels;
        foreach (var (key, value) in pdb.Root.Pairs("spec", "selector", "matchLabels"))
        {
            Assert.True(labels.TryGetValue(key, out var label) && label == value, $"{pdb} selects {key}={value}");
        }
    }

    [Fact]
    public void Only_the_gateway_is_exposed()
    {
        var ingress = Assert.Single(Base.OfKind("Ingress"));
        var backends = ingress.Root.Seq("spec", "rules")
            .SelectMany(rule => rule.Seq("http", "paths"))
            .Select(path => path.Child("backend"))
            .Append(ingress.Root.At("spec", "defaultBackend"))
            .Where(b => b is not null)
            .ToList();

        Assert.NotEmpty(backends);
        var gatewayPorts = Base.Get("Service", "gateway").Root.Seq("spec", "ports");
        foreach (var backend in backends)
        {
            Assert.Equal("gateway", backend.Str("service", "name"));
            var portName = backend.Str("service", "port", "name");
            var portNumber = backend.Str("service", "port", "number");
            Assert.Contains(gatewayPorts, p => (portName is not null && p.Str("name") == portName) || (portNumber is not null && p.Str("port") == portNumber));
        }

        foreach (var service in Base.OfKind("Service"))
        {
            var type = service.Root.Str("spec", "type") ?? "ClusterIP";
            Assert.True(type == "ClusterIP", $"{service} is {type}; only the Ingress exposes anything");
            Assert.Empty(service.Root.Seq("spec", "externalIPs"));
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Shutdown_drains_endpoints_then_leaves_time_for_in_flight_work(string name)
    {
        var deployment = Deployment(name);
        var grace = deployment.PodSpec.Int("terminationGracePeriodSeconds") ?? 30;
        var preStop = PreStopSeconds(deployment.Container);

        // Deliveries time out after 5 s; ServiceDefaults sets the host's ShutdownTimeout to 30 s.
        Assert.True(grace >= 45, $"{name}: terminationGracePeriodSeconds {grace} < 45");
        Assert.True(preStop >= 5, $"{name}: the preStop pause ({preStop} s) is too short for endpoints to drain");
        Assert.True(grace >= preStop + 30, $"{name}: {grace} s grace leaves less than 30 s after a {preStop} s preStop");
    }

    private static int PreStopSeconds(YamlDotNet.RepresentationModel.YamlNode container)
    {
        var preStop = container.At("lifecycle", "preStop");
        if (preStop.Int("sleep", "seconds") is { } seconds)
        {
            return seconds;
        }

        var command = preStop.Strings("exec", "command");
        var match = Regex.Match(string.Join(' ', command), @"\bsleep\s+(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Pods_run_as_non_root_with_a_read_only_root_filesystem(string name)
    {
        var deployment = Deployment(name);
        var pod = deployment.PodSpec;
        var container = deployment.Container;

        bool? Effective(string key) => container.Bool("securityContext", key) ?? pod.Bool("securityContext", key);
        int? EffectiveInt(string key) => container.Int("securityContext", key) ?? pod.Int("securityContext", key);

        Assert.True(Effective("runAsNonRoot"), $"{name}: runAsNonRoot");
        // Numeric, so the kubelet can check it against an image whose USER is a name.
        Assert.Equal(1654, EffectiveInt("runAsUser"));
        Assert.True(container.Bool("securityContext", "readOnlyRootFilesystem"), $"{name}: readOnlyRootFilesystem");
        Assert.False(container.Bool("securityContext", "allowPrivilegeEscalation") ?? true, $"{name}: allowPrivilegeEscalation");
        Assert.Contains("ALL", container.Strings("securityContext", "capabilities", "drop"));
        Assert.Equal("false", pod.Str("automountServiceAccountToken"));

        // With a read-only root, /tmp must be a writable volume.
        var tmp = Assert.Single(container.Seq("volumeMounts"), m => m.Str("mountPath") == "/tmp");
        var volume = Assert.Single(pod.Seq("volumes"), v => v.Str("name") == tmp.Str("name"));
        Assert.NotNull(volume.Child("emptyDir"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containers_request_and_limit_cpu_and_memory(string name)
    {
        var resources = Deployment(name).Container.Child("resources");
        Assert.NotNull(resources.Str("requests", "cpu"));
        Assert.NotNull(resources.Str("requests", "memory"));
        Assert.NotNull(resources.Str("limits", "cpu"));
        Assert.NotNull(resources.Str("limits", "memory"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_is_the_services_image_with_a_tag_set_in_the_kustomization(string name)
    {
        Assert.Equal($"relay/{name}", Deployment(name).Container.Str("image"));

        var entry = Assert.Single(Base.Kustomization.Seq("images"), i => i.Str("name") == $"relay/{name}");
        Assert.False(string.IsNullOrEmpty(entry.Str("newTag")) && string.IsNullOrEmpty(entry.Str("digest")), $"relay/{name} has no tag");
        Assert.NotEqual("latest", entry.Str("newTag"));
    }
}
