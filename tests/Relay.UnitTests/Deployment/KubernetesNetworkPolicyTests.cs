using System.Net;
using YamlDotNet.RepresentationModel;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// Holds the NetworkPolicies of deploy/k8s (base/network-policies.yaml and the local overlay's) to what they are for:
/// a namespace that denies by default; the gateway as the only pod open to the outside; Ingress.Api and Management.Api
/// reachable only from the gateway; PostgreSQL, Redis and RabbitMQ only from Relay's services; Delivery.Worker out to
/// the internet but never to private, cluster or metadata addresses. Selectors are checked against the labels the pods
/// really carry and ports against the ports their containers really open, so a renamed label or port fails here.
/// </summary>
public sealed class KubernetesNetworkPolicyTests
{
    private static readonly KustomizeDir Base = KustomizeDir.Load(RepoPaths.K8sBase);
    private static readonly KustomizeDir Local = KustomizeDir.Load(RepoPaths.K8sLocalOverlay);

    private static readonly string[] Dependencies = ["postgres", "redis", "rabbitmq"];

    /// <summary>Every pod the local overlay runs: the base's five Deployments and the overlay's three StatefulSets.</summary>
    private static readonly IReadOnlyList<Pod> Pods =
    [
        .. Base.OfKind("Deployment").Select(d => new Pod(d.Name, new Workload(d))),
        .. Local.OfKind("StatefulSet").Select(s => new Pod(s.Name, new Workload(s))),
    ];

    private static readonly IReadOnlyList<K8sObject> Policies = [.. Base.OfKind("NetworkPolicy"), .. Local.OfKind("NetworkPolicy")];

    public static TheoryData<string> Services() => RelayConfigContract.ServiceNames();

    public static TheoryData<string> AllPods()
    {
        var data = new TheoryData<string>();
        foreach (var pod in Pods)
        {
            data.Add(pod.Name);
        }
        return data;
    }

    private static Pod PodNamed(string name) => Pods.Single(p => p.Name == name);

    private static IEnumerable<K8sObject> PoliciesOf(Pod pod, string direction, IReadOnlyList<K8sObject>? policies = null) =>
        (policies ?? Policies).Where(p => Selector.Selects(p["spec", "podSelector"], pod.Labels) && PolicyTypes(p).Contains(direction));

    /// <summary>policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules.</summary>
    private static IReadOnlyList<string> PolicyTypes(K8sObject policy)
    {
        var declared = policy.Root.Strings("spec", "policyTypes");
        if (declared.Count > 0)
        {
            return declared;
        }
        return policy["spec", "egress"] is null ? ["Ingress"] : ["Ingress", "Egress"];
    }

    private static IEnumerable<YamlNode> Rules(IEnumerable<K8sObject> policies, string direction) =>
        policies.SelectMany(p => p.Root.Seq("spec", direction == "Ingress" ? "ingress" : "egress"));

    private static IReadOnlyList<YamlNode> Peers(YamlNode rule, string direction) => rule.Seq(direction == "Ingress" ? "from" : "to");

    [Fact]
    public void The_base_lists_its_policies_and_the_local_overlay_its_own()
    {
        Assert.Contains("network-policies.yaml", Base.Resources);
        Assert.Contains("network-policies.yaml", Local.Resources);
        Assert.NotEmpty(Base.OfKind("NetworkPolicy"));
        Assert.Equal(Dependencies.Order(StringComparer.Ordinal), Local.OfKind("NetworkPolicy").Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_namespace_denies_all_ingress_and_egress_unless_a_policy_allows_it()
    {
        var denyAll = Assert.Single(Base.OfKind("NetworkPolicy"), p => p["spec", "podSelector"] is YamlMappingNode { Children.Count: 0 }
            && p["spec", "ingress"] is null && p["spec", "egress"] is null);

        Assert.Equal(["Egress", "Ingress"], denyAll.Root.Strings("spec", "policyTypes").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllPods))]
    public void Every_pod_is_covered_in_both_directions(string name)
    {
        var pod = PodNamed(name);

        Assert.NotEmpty(PoliciesOf(pod, "Ingress"));
        Assert.NotEmpty(PoliciesOf(pod, "Egress"));
    }

    [Fact]
    public void Every_policy_selects_pods_that_exist_and_every_peer_names_pods_that_exist()
    {
        foreach (var policy in Policies)
        {
            Assert.True(Pods.Any(p => Selector.Selects(policy["spec", "podSelector"], p.Labels)), $"{policy} selects no pod");
            foreach (var direction in new[] { "Ingress", "Egress" })
            {
                foreach (var peer in Rules([policy], direction).SelectMany(rule => Peers(rule, direction)))
                {
                    if (peer.Child("namespaceSelector") is not null || peer.Child("ipBlock") is not null)
                    {
                        continue; // pods of other namespaces (DNS) or addresses: checked by their own tests
                    }
                    Assert.True(Pods.Any(p => Selector.Selects(peer.Child("podSelector"), p.Labels)),
                        $"{policy}: a {direction.ToLowerInvariant()} peer selects no pod: {Describe(peer)}");
                }
            }
        }
    }

    [Fact]
    public void Every_port_a_rule_opens_is_a_port_the_pods_on_the_receiving_end_listen_on()
    {
        foreach (var policy in Policies)
        {
            var protectedPods = Pods.Where(p => Selector.Selects(policy["spec", "podSelector"], p.Labels)).ToList();
            foreach (var rule in policy.Root.Seq("spec", "ingress"))
            {
                foreach (var port in rule.Seq("ports"))
                {
                    foreach (var pod in protectedPods)
                    {
                        Assert.True(pod.Listens(port), $"{policy}: {pod.Name} does not listen on {Describe(port)}");
                    }
                }
            }
            foreach (var rule in policy.Root.Seq("spec", "egress"))
            {
                var destinations = rule.Seq("to")
                    .Where(peer => peer.Child("namespaceSelector") is null && peer.Child("ipBlock") is null)
                    .SelectMany(peer => Pods.Where(p => Selector.Selects(peer.Child("podSelector"), p.Labels)))
                    .ToList();
                foreach (var port in rule.Seq("ports"))
                {
                    foreach (var pod in destinations)
                    {
                        Assert.True(pod.Listens(port), $"{policy}: {pod.Name} does not listen on {Describe(port)}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Only_the_gateway_accepts_connections_from_outside_the_namespace()
    {
        foreach (var pod in Pods)
        {
            var open = Rules(PoliciesOf(pod, "Ingress"), "Ingress")
                .Where(rule => Peers(rule, "Ingress").Count == 0
                    || Peers(rule, "Ingress").Any(peer => peer.Child("ipBlock") is not null || peer.Child("namespaceSelector") is not null))
                .ToList();
            if (pod.Name == "gateway")
            {
                var rule = Assert.Single(open);
                Assert.All(rule.Seq("ports"), port => Assert.True(pod.Listens(port)));
                Assert.NotEmpty(rule.Seq("ports")); // its http port, not every port
            }
            else
            {
                Assert.True(open.Count == 0, $"{pod.Name} accepts connections from outside the namespace");
            }
        }
    }

    [Theory]
    [InlineData("ingress-api")]
    [InlineData("management-api")]
    public void Ingress_and_Management_accept_only_the_gateway(string name)
    {
        var rules = Rules(PoliciesOf(PodNamed(name), "Ingress"), "Ingress").ToList();

        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var peers = Peers(rule, "Ingress");
            Assert.NotEmpty(peers);
            foreach (var peer in peers)
            {
                Assert.Null(peer.Child("ipBlock"));
                Assert.Null(peer.Child("namespaceSelector"));
                Assert.Equal(["gateway"], Pods.Where(p => Selector.Selects(peer.Child("podSelector"), p.Labels)).Select(p => p.Name));
            }
            Assert.Equal(["8080"], rule.Seq("ports").Select(p => p.Str("port") ?? ""));
        }
    }

    [Theory]
    [InlineData("delivery-worker")]
    [InlineData("replay-worker")]
    public void Workers_accept_no_connections(string name)
    {
        Assert.Empty(Rules(PoliciesOf(PodNamed(name), "Ingress"), "Ingress"));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("rabbitmq")]
    public void Dependencies_accept_only_Relays_five_services_on_their_client_port(string name)
    {
        var dependency = PodNamed(name);
        var rules = Rules(PoliciesOf(dependency, "Ingress"), "Ingress").ToList();

        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var peers = Peers(rule, "Ingress");
            Assert.NotEmpty(peers);
            foreach (var peer in peers)
            {
                Assert.Null(peer.Child("ipBlock"));
                Assert.Null(peer.Child("namespaceSelector"));
                allowed.UnionWith(Pods.Where(p => Selector.Selects(peer.Child("podSelector"), p.Labels)).Select(p => p.Name));
            }
            var port = Assert.Single(rule.Seq("ports"));
            Assert.Equal(ClientPort(name), port.Int("port"));
        }
        Assert.Equal(RelayConfigContract.Services.Select(s => s.Name).Order(StringComparer.Ordinal), allowed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_service_reaches_PostgreSQL_Redis_RabbitMQ_and_DNS(string name)
    {
        var egress = Rules(PoliciesOf(PodNamed(name), "Egress"), "Egress").ToList();

        foreach (var dependency in Dependencies)
        {
            Assert.True(
                egress.Any(rule => Peers(rule, "Egress").Any(peer => peer.Child("ipBlock") is null && peer.Child("namespaceSelector") is null
                        && Selector.Selects(peer.Child("podSelector"), PodNamed(dependency).Labels))
                    && rule.Seq("ports").Any(port => port.Int("port") == ClientPort(dependency))),
                $"{name} cannot reach {dependency}:{ClientPort(dependency)}");
        }
        AssertReachesDns(egress, name);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("rabbitmq")]
    public void Dependencies_resolve_names_and_call_nothing_else(string name)
    {
        var egress = Rules(PoliciesOf(PodNamed(name), "Egress"), "Egress").ToList();

        AssertReachesDns(egress, name);
        Assert.All(egress, rule => Assert.All(Peers(rule, "Egress"), peer => Assert.NotNull(peer.Child("namespaceSelector"))));
    }

    [Fact]
    public void The_gateway_calls_Ingress_and_Management_on_their_http_port()
    {
        var egress = Rules(PoliciesOf(PodNamed("gateway"), "Egress"), "Egress").ToList();

        foreach (var upstream in new[] { "ingress-api", "management-api" })
        {
            Assert.True(
                egress.Any(rule => Peers(rule, "Egress").Any(peer => Selector.Selects(peer.Child("podSelector"), PodNamed(upstream).Labels))
                    && rule.Seq("ports").Any(port => port.Int("port") == 8080)),
                $"the gateway cannot reach {upstream}:8080");
        }
    }

    [Theory]
    [InlineData("169.254.169.254")] // cloud metadata (AWS, GCP, Azure)
    [InlineData("169.254.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("10.244.3.7")] // kind's pod CIDR
    [InlineData("10.96.0.1")] // kind's service CIDR: the API server
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.49.2")]
    [InlineData("100.64.0.10")]
    [InlineData("100.127.255.1")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fd00:ec2::254")] // AWS's IPv6 metadata endpoint
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void Delivery_worker_cannot_reach_private_cluster_or_metadata_addresses(string address)
    {
        foreach (var policies in new[] { Base.OfKind("NetworkPolicy").ToList(), RenderedLocalPolicies.Value })
        {
            Assert.False(DeliveryWorkerMayReach(policies, IPAddress.Parse(address)), $"delivery-worker may reach {address}");
        }
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("52.94.236.248")]
    [InlineData("100.63.255.255")] // just below CGNAT
    [InlineData("172.32.0.1")] // just above 172.16.0.0/12
    [InlineData("2606:4700:4700::1111")]
    public void Delivery_worker_reaches_the_internet(string address)
    {
        foreach (var policies in new[] { Base.OfKind("NetworkPolicy").ToList(), RenderedLocalPolicies.Value })
        {
            Assert.True(DeliveryWorkerMayReach(policies, IPAddress.Parse(address)), $"delivery-worker cannot reach {address}");
        }
    }

    [Fact]
    public void The_local_overlay_excludes_the_clusters_pod_and_service_CIDRs_by_patch()
    {
        var egress = Assert.Single(RenderedLocalPolicies.Value, p => p.Name == "delivery-worker-egress");
        var except = egress.Root.Seq("spec", "egress").SelectMany(rule => rule.Seq("to")).SelectMany(peer => peer.Strings("ipBlock", "except")).ToList();

        Assert.Contains("10.244.0.0/16", except);
        Assert.Contains("10.96.0.0/12", except);
    }

    /// <summary>
    /// Whether some egress rule of a policy selecting delivery-worker lets it open a connection to
    /// <paramref name="address"/> on some port. Pod-selector peers name pods, whose addresses are in the pod CIDR: they
    /// are the dependencies, allowed by name, and never match an arbitrary address.
    /// </summary>
    private static bool DeliveryWorkerMayReach(IReadOnlyList<K8sObject> policies, IPAddress address)
    {
        var pod = PodNamed("delivery-worker");
        var rules = Rules(PoliciesOf(pod, "Egress", policies), "Egress").ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var peers = Peers(rule, "Egress");
            if (peers.Count == 0)
            {
                return true; // a rule without "to" allows every destination
            }
            foreach (var peer in peers.Where(peer => peer.Child("ipBlock") is not null))
            {
                if (InNetwork(peer.Str("ipBlock", "cidr")!, address) && !peer.Strings("ipBlock", "except").Any(e => InNetwork(e, address)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Prefix comparison on the bytes, as a CNI does it. (IPNetwork.Contains treats IPv4-mapped IPv6 addresses apart:
    /// it says ::ffff:0:0/96 does not contain ::ffff:10.0.0.1.)
    /// </summary>
    private static bool InNetwork(string cidr, IPAddress address)
    {
        var network = IPNetwork.Parse(cidr);
        if (network.BaseAddress.AddressFamily != address.AddressFamily)
        {
            return false;
        }
        var networkBytes = network.BaseAddress.GetAddressBytes();
        var addressBytes = address.GetAddressBytes();
        for (var bit = 0; bit < network.PrefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((networkBytes[bit / 8] & mask) != (addressBytes[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private static readonly Lazy<IReadOnlyList<K8sObject>> RenderedLocalPolicies =
        new(() => KustomizeRenderTests.Render(RepoPaths.K8sLocalOverlay).Where(o => o.Kind == "NetworkPolicy").ToList());

    private static void AssertReachesDns(IReadOnlyList<YamlNode> egress, string name)
    {
        foreach (var protocol in new[] { "UDP", "TCP" })
        {
            Assert.True(
                egress.Any(rule => Peers(rule, "Egress").Any(peer =>
                        peer.Str("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") == "kube-system"
                        && peer.Str("podSelector", "matchLabels", "k8s-app") == "kube-dns")
                    && rule.Seq("ports").Any(port => port.Int("port") == 53 && (port.Str("protocol") ?? "TCP") == protocol)),
                $"{name} cannot reach kube-dns on {protocol} 53");
        }
    }

    private static int ClientPort(string dependency) => dependency switch
    {
        "postgres" => 5432,
        "redis" => 6379,
        "rabbitmq" => 5672,
        _ => throw new ArgumentOutOfRangeException(nameof(dependency)),
    };

    private static string Describe(YamlNode node)
    {
        var stream = new YamlStream(new YamlDocument(node));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString().Replace("...", "", StringComparison.Ordinal).Trim();
    }

    private sealed record Pod(string Name, Workload Workload)
    {
        public IReadOnlyDictionary<string, string> Labels => Workload.PodLabels;

        /// <summary>Whether a container port matches a policy port (a number, or a port's name), protocol included.</summary>
        public bool Listens(YamlNode policyPort)
        {
            var port = policyPort.Str("port");
            var protocol = policyPort.Str("protocol") ?? "TCP";
            return Workload.Container.Seq("ports").Any(p =>
                (p.Str("protocol") ?? "TCP") == protocol && (p.Str("containerPort") == port || p.Str("name") == port));
        }
    }
}

/// <summary>Kubernetes label selectors (matchLabels and matchExpressions), as the API server evaluates them.</summary>
internal static class Selector
{
    /// <summary>An absent or empty selector selects every pod (of the namespace).</summary>
    public static bool Selects(YamlNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.Pairs("matchLabels"))
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        foreach (var expression in selector.Seq("matchExpressions"))
        {
            var key = expression.Str("key")!;
            var values = expression.Strings("values");
            var has = labels.TryGetValue(key, out var actual);
            var matches = expression.Str("operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw new InvalidDataException($"unknown selector operator {other}"),
            };
            if (!matches)
            {
                return false;
            }
        }
        return true;
    }
}
