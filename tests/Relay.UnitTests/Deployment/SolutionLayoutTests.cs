using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// Relay.sln holds every project in the repository, the AppHost orchestrates exactly the five services, and every
/// package version is pinned centrally. The AppHost's model itself is tested in tests/AppHost.Tests.
/// </summary>
public sealed class SolutionLayoutTests
{
    private static string Normalize(string path) => path.Replace('\\', '/');

    private static IEnumerable<string> RepositoryProjects()
    {
        var root = RepoPaths.RepoRoot;
        return Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Normalize(Path.GetRelativePath(root, p)))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" or ".git" || part.StartsWith('.')));
    }

    [Fact]
    public void Solution_holds_every_project_in_the_repository()
    {
        var inSolution = Regex.Matches(File.ReadAllText(RepoPaths.InRepo("Relay.sln")), @"^Project\(""\{[^}]+\}""\)\s*=\s*""[^""]*"",\s*""([^""]+\.csproj)""", RegexOptions.Multiline)
            .Select(m => Normalize(m.Groups[1].Value))
            .Order(StringComparer.Ordinal);

        Assert.Equal(RepositoryProjects().Order(StringComparer.Ordinal), inSolution);
    }

    [Fact]
    public void AppHost_orchestrates_the_five_services()
    {
        var project = XDocument.Load(RepoPaths.InRepo("AppHost", "AppHost.csproj")).Root!;
        Assert.StartsWith("Aspire.AppHost.Sdk/13.6.", project.Attribute("Sdk")?.Value, StringComparison.Ordinal);

        var references = project.Descendants("ProjectReference")
            .Select(r => Normalize(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            RelayConfigContract.Services.Select(s => $"../{s.Project}/{s.Project}.csproj").Order(StringComparer.Ordinal),
            references);
    }

    [Fact]
    public void Every_project_takes_its_package_versions_from_Directory_Packages_props()
    {
        var versions = XDocument.Load(RepoPaths.InRepo("Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);

        foreach (var projectPath in RepositoryProjects())
        {
            foreach (var package in XDocument.Load(RepoPaths.InRepo(projectPath)).Descendants("PackageReference"))
            {
                var id = package.Attribute("Include")!.Value;
                Assert.True(package.Attribute("Version") is null, $"{projectPath} sets its own version of {id}");
                Assert.True(versions.ContainsKey(id), $"Directory.Packages.props has no PackageVersion for {id} ({projectPath})");
            }
        }
    }

    [Fact]
    public void MassTransit_stays_on_the_8_x_line()
    {
        var masstransit = XDocument.Load(RepoPaths.InRepo("Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Where(p => p.Attribute("Include")!.Value.StartsWith("MassTransit", StringComparison.Ordinal));

        Assert.All(masstransit, p => Assert.StartsWith("8.", p.Attribute("Version")!.Value, StringComparison.Ordinal));
    }
}
