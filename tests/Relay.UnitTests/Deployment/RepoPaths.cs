namespace Relay.UnitTests.Deployment;

/// <summary>Locates the repository root (the folder holding deploy/k8s) from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    public static string K8sBase => Path.Combine(RepoRoot, "deploy", "k8s", "base");

    public static string K8sLocalOverlay => Path.Combine(RepoRoot, "deploy", "k8s", "overlays", "local");

    public static string Dockerfile => Path.Combine(RepoRoot, "deploy", "docker", "Dockerfile");

    public static string InRepo(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    private static string FindRoot()
    {
        // RELAY_REPO_ROOT lets a test project built outside the repository point at it.
        var fromEnvironment = Environment.GetEnvironmentVariable("RELAY_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "k8s", "base", "kustomization.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No deploy/k8s/base/kustomization.yaml above {AppContext.BaseDirectory}; set RELAY_REPO_ROOT.");
    }
}
