using YamlDotNet.RepresentationModel;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// The configuration contract of the architecture document, in environment-variable form ("__" for ":"):
/// which keys each service reads, which it cannot run without, and which are secret. The Kubernetes
/// manifests are held to it, and so is the AppHost (SolutionLayoutTests).
/// </summary>
internal static class RelayConfigContract
{
    public const string RelayDb = "ConnectionStrings__relaydb";
    public const string Redis = "ConnectionStrings__redis";
    public const string RabbitMq = "ConnectionStrings__rabbitmq";
    public const string ManagementApiKey = "Relay__ManagementApiKey";
    public const string EncryptionKey = "Relay__Security__EncryptionKey";
    public const string DeliveryMaxAttempts = "Relay__Delivery__MaxAttempts";
    public const string DeliveryRetryBaseDelayMs = "Relay__Delivery__RetryBaseDelayMs";
    public const string RateLimitPermitsPerMinute = "Relay__RateLimit__PermitsPerMinute";
    public const string OutboundAllowedHost = "Relay__Outbound__AllowedHosts__0";
    public const string IngressTrustedProxies = "Relay__Ingress__TrustedProxies";
    public const string IngressDestination = "ReverseProxy__Clusters__ingress__Destinations__d1__Address";
    public const string ManagementDestination = "ReverseProxy__Clusters__management__Destinations__d1__Address";

    public static readonly string[] ConnectionStrings = [RelayDb, Redis, RabbitMq];

    /// <summary>Values that may only come from a Secret.</summary>
    public static readonly string[] SecretKeys = [RelayDb, Redis, RabbitMq, ManagementApiKey, EncryptionKey];

    public static readonly IReadOnlyList<ServiceSpec> Services =
    [
        new("gateway", "Gateway",
            Required: [.. ConnectionStrings, IngressDestination, ManagementDestination],
            Optional: [RateLimitPermitsPerMinute]),
        new("ingress-api", "Ingress.Api",
            Required: [.. ConnectionStrings, EncryptionKey],
            // The publish API takes the management key as the bootstrap admin when it is given one.
            Optional: [RateLimitPermitsPerMinute, IngressTrustedProxies, ManagementApiKey]),
        new("management-api", "Management.Api",
            Required: [.. ConnectionStrings, ManagementApiKey, EncryptionKey],
            Optional: [OutboundAllowedHost]),
        new("delivery-worker", "Delivery.Worker",
            Required: [.. ConnectionStrings, EncryptionKey],
            Optional: [DeliveryMaxAttempts, DeliveryRetryBaseDelayMs, OutboundAllowedHost]),
        new("replay-worker", "Replay.Worker",
            Required: [.. ConnectionStrings],
            Optional: []),
    ];

    public static TheoryData<string> ServiceNames()
    {
        var data = new TheoryData<string>();
        foreach (var service in Services)
        {
            data.Add(service.Name);
        }

        return data;
    }

    public static ServiceSpec Service(string name) => Services.Single(s => s.Name == name);

    /// <summary>Every Relay key any service reads (OTEL_* aside).</summary>
    public static IReadOnlySet<string> AllKeys { get; } =
        Services.SelectMany(s => s.Required.Concat(s.Optional)).ToHashSet(StringComparer.Ordinal);
}

/// <param name="Name">Kubernetes name (Deployment, Service, image relay/{Name}) and Aspire resource name.</param>
/// <param name="Project">Project folder, also the Dockerfile's SERVICE build argument.</param>
internal sealed record ServiceSpec(string Name, string Project, string[] Required, string[] Optional)
{
    /// <summary>OpenTelemetry's standard variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_*) are read by every service.</summary>
    public bool Reads(string key) =>
        Required.Contains(key) || Optional.Contains(key) || key.StartsWith("OTEL_", StringComparison.Ordinal);
}

/// <summary>Where an environment variable of a container gets its value.</summary>
internal sealed record EnvVar(string Name, string? Literal, string? ConfigMap, string? Secret, string? Key);

/// <summary>The pod template of a Deployment (or StatefulSet) and its single application container.</summary>
internal sealed class Workload(K8sObject obj)
{
    public K8sObject Object { get; } = obj;

    public YamlNode? PodSpec => Object["spec", "template", "spec"];

    public YamlNode Container
    {
        get
        {
            var containers = PodSpec.Seq("containers");
            return Assert.Single(containers);
        }
    }

    public IReadOnlyDictionary<string, string> PodLabels => Object.Root.Pairs("spec", "template", "metadata", "labels");

    public IReadOnlyList<EnvVar> Env =>
        Container.Seq("env").Select(e => new EnvVar(
            e.Str("name") ?? "",
            e.Str("value"),
            e.Str("valueFrom", "configMapKeyRef", "name"),
            e.Str("valueFrom", "secretKeyRef", "name"),
            e.Str("valueFrom", "configMapKeyRef", "key") ?? e.Str("valueFrom", "secretKeyRef", "key"))).ToList();

    /// <summary>Every variable name the container gets, including the keys of envFrom ConfigMaps/Secrets.</summary>
    public IReadOnlyList<string> EnvNames(KustomizeDir dir)
    {
        var names = Env.Select(e => e.Name).ToList();
        foreach (var from in Container.Seq("envFrom"))
        {
            var prefix = from.Str("prefix") ?? "";
            if (from.Str("configMapRef", "name") is { } cm)
            {
                names.AddRange(dir.Get("ConfigMap", cm).Root.Pairs("data").Keys.Select(k => prefix + k));
            }

            if (from.Str("secretRef", "name") is { } secret)
            {
                names.AddRange(SecretKeysOf(dir.Get("Secret", secret)).Select(k => prefix + k));
            }
        }

        return names;
    }

    public YamlNode? PortNamed(string name) =>
        Container.Seq("ports").SingleOrDefault(p => p.Str("name") == name);

    public static IEnumerable<string> SecretKeysOf(K8sObject secret) =>
        secret.Root.Pairs("data").Keys.Concat(secret.Root.Pairs("stringData").Keys);
}
