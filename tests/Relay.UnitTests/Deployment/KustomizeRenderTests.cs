using System.ComponentModel;
using System.Diagnostics;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// Renders the base and the local overlay with `kubectl kustomize` (offline, no cluster) and checks what a
/// cluster would actually receive: everything in the relay namespace, every ConfigMap/Secret reference
/// resolving to a rendered object and key (generated names included), and no placeholder secret left in
/// the local overlay. kubectl comes from the Debian package "kubectl" on the project's machines.
/// </summary>
public sealed class KustomizeRenderTests
{
    [Fact]
    public void Base_renders_into_one_namespace_with_resolvable_references()
    {
        var objects = Render(RepoPaths.K8sBase);

        AssertNamespaced(objects);
        AssertReferencesResolve(objects);
    }

    [Fact]
    public void Local_overlay_renders_into_one_namespace_with_resolvable_references_and_real_secrets()
    {
        var objects = Render(RepoPaths.K8sLocalOverlay);

        AssertNamespaced(objects);
        AssertReferencesResolve(objects);

        var secret = Assert.Single(objects, o => o.Kind == "Secret" && o.Name.StartsWith("relay-secrets", StringComparison.Ordinal));
        Assert.Null(secret.Root.Child("stringData"));
        Assert.Equal(
            RelayConfigContract.SecretKeys.Order(StringComparer.Ordinal),
            secret.Root.Pairs("data").Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in secret.Root.Pairs("data"))
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value.Replace("\n", "", StringComparison.Ordinal)));
            Assert.DoesNotContain("REPLACE_ME", decoded, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(decoded), $"{key} is empty");
        }

        // Every Relay Deployment and every dependency runs in the overlay.
        foreach (var service in RelayConfigContract.Services)
        {
            Assert.Single(objects, o => o.Kind == "Deployment" && o.Name == service.Name);
        }

        Assert.Equal(3, objects.Count(o => o.Kind == "StatefulSet"));
    }

    private static void AssertNamespaced(IReadOnlyList<K8sObject> objects)
    {
        Assert.Single(objects, o => o.Kind == "Namespace" && o.Name == "relay");
        foreach (var o in objects.Where(o => o.Kind != "Namespace"))
        {
            Assert.True(o.Root.Str("metadata", "namespace") == "relay", $"{o} is not in the relay namespace");
        }
    }

    private static void AssertReferencesResolve(IReadOnlyList<K8sObject> objects)
    {
        IEnumerable<string>? KeysOf(string kind, string? name) =>
            objects.SingleOrDefault(o => o.Kind == kind && o.Name == name) is { } found
                ? kind == "Secret" ? Workload.SecretKeysOf(found) : found.Root.Pairs("data").Keys
                : null;

        foreach (var workload in objects.Where(o => o.Kind is "Deployment" or "StatefulSet").Select(o => new Workload(o)))
        {
            foreach (var env in workload.Env)
            {
                if (env.Secret is not null || env.ConfigMap is not null)
                {
                    var kind = env.Secret is not null ? "Secret" : "ConfigMap";
                    var name = env.Secret ?? env.ConfigMap;
                    var keys = KeysOf(kind, name);
                    Assert.True(keys is not null, $"{workload.Object}: {env.Name} refers to {kind}/{name}, which is not rendered");
                    Assert.Contains(env.Key!, keys);
                }
            }
        }

        foreach (var hpa in objects.Where(o => o.Kind == "HorizontalPodAutoscaler"))
        {
            var target = hpa.Root.Str("spec", "scaleTargetRef", "name");
            Assert.Single(objects, o => o.Kind == "Deployment" && o.Name == target);
        }
    }

    /// <summary>What <c>kubectl kustomize</c> makes of a kustomization folder.</summary>
    internal static IReadOnlyList<K8sObject> Render(string directory)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"kubectl is needed to render the manifests (apt-get install kubectl): {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"kubectl kustomize {directory} took longer than 60 s");
            }

            Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed: {stderr.Result}");
            return Yaml.Load(stdout.Result).Select(doc => Yaml.ToObject(doc, directory)).ToList();
        }
    }
}
