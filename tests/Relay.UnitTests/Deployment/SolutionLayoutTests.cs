using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// The AppHost lives beside a solution that must build without it: Relay.NoAppHost.slnf lists every
/// project but the AppHost and its tests, and keeps doing so as projects are added. The AppHost's own
/// files are checked here too, since its tests only run where the Aspire packages restore: it orchestrates
/// the five services, pins its packages centrally and configures the services with the contract's keys.
/// </summary>
public sealed class SolutionLayoutTests
{
    private static readonly string[] AspireOnly = ["AppHost/AppHost.csproj", "tests/AppHost.Tests/AppHost.Tests.csproj"];

    private static string Normalize(string path) => path.Replace('\\', '/');

    private static IReadOnlyList<string> FilterProjects()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("Relay.NoAppHost.slnf")));
        var solution = doc.RootElement.GetProperty("solution");
        Assert.Equal("Relay.sln", solution.GetProperty("path").GetString());
        return solution.GetProperty("projects").EnumerateArray().Select(p => Normalize(p.GetString()!)).ToList();
    }

    private static IEnumerable<string> RepositoryProjects()
    {
        var root = RepoPaths.RepoRoot;
        return Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Normalize(Path.GetRelativePath(root, p)))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" or ".git" || part.StartsWith('.')));
    }

    [Fact]
    public void Solution_filter_lists_existing_projects_and_never_the_Aspire_ones()
    {
        var projects = FilterProjects();

        Assert.Equal(projects.Count, projects.Distinct(StringComparer.Ordinal).Count());
        foreach (var project in projects)
        {
            Assert.True(File.Exists(RepoPaths.InRepo(project)), $"{project} is in Relay.NoAppHost.slnf but does not exist");
            Assert.DoesNotContain(project, AspireOnly);
        }

        foreach (var service in RelayConfigContract.Services)
        {
            Assert.Contains($"{service.Project}/{service.Project}.csproj", projects);
        }
    }

    [Fact]
    public void Solution_filter_keeps_up_with_the_projects_in_the_repository()
    {
        var projects = FilterProjects();
        var missing = RepositoryProjects().Except(AspireOnly).Except(projects).ToList();

        Assert.True(missing.Count == 0, $"add to Relay.NoAppHost.slnf: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Solution_holds_the_filter_projects_plus_the_AppHost_and_its_tests()
    {
        var sln = RepoPaths.InRepo("Relay.sln");
        Assert.True(File.Exists(sln), "Relay.sln is missing");

        var inSolution = Regex.Matches(File.ReadAllText(sln), @"^Project\(""\{[^}]+\}""\)\s*=\s*""[^""]*"",\s*""([^""]+\.csproj)""", RegexOptions.Multiline)
            .Select(m => Normalize(m.Groups[1].Value))
            .Order(StringComparer.Ordinal);

        Assert.Equal(FilterProjects().Concat(AspireOnly).Order(StringComparer.Ordinal), inSolution);
    }

    [Fact]
    public void AppHost_uses_the_Aspire_13_1_sdk_and_orchestrates_the_five_services()
    {
        var project = XDocument.Load(RepoPaths.InRepo("AppHost", "AppHost.csproj")).Root!;
        Assert.Equal("Aspire.AppHost.Sdk/13.1.0", project.Attribute("Sdk")?.Value);

        var references = project.Descendants("ProjectReference")
            .Select(r => Normalize(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            RelayConfigContract.Services.Select(s => $"../{s.Project}/{s.Project}.csproj").Order(StringComparer.Ordinal),
            references);
    }

    [Theory]
    [InlineData("AppHost/AppHost.csproj")]
    [InlineData("tests/AppHost.Tests/AppHost.Tests.csproj")]
    public void Aspire_projects_take_their_package_versions_from_Directory_Packages_props(string projectPath)
    {
        var versions = XDocument.Load(RepoPaths.InRepo("Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);

        // Aspire.AppHost.Sdk references Aspire.Hosting.AppHost implicitly; a central version for it is NU1009.
        Assert.False(versions.ContainsKey("Aspire.Hosting.AppHost"), "Directory.Packages.props must not pin Aspire.Hosting.AppHost");

        var packages = XDocument.Load(RepoPaths.InRepo(projectPath)).Descendants("PackageReference").ToList();
        Assert.NotEmpty(packages);
        foreach (var package in packages)
        {
            var id = package.Attribute("Include")!.Value;
            Assert.Null(package.Attribute("Version"));
            Assert.True(versions.TryGetValue(id, out var version), $"Directory.Packages.props has no PackageVersion for {id}");
            if (id.StartsWith("Aspire.", StringComparison.Ordinal))
            {
                Assert.Equal("13.1.0", version);
            }
        }
    }

    [Fact]
    public void AppHost_names_the_services_as_Kubernetes_does_and_sets_only_contract_keys()
    {
        var source = File.ReadAllText(RepoPaths.InRepo("AppHost", "AppHost.cs"));

        foreach (var service in RelayConfigContract.Services)
        {
            Assert.Contains($"<Projects.{service.Project.Replace('.', '_')}>(\"{service.Name}\"", source, StringComparison.Ordinal);
        }

        var keys = Regex.Matches(source, @"WithEnvironment\(\s*""([^""]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys.Where(k => k != "ASPNETCORE_ENVIRONMENT"))
        {
            Assert.Contains(key, RelayConfigContract.AllKeys);
        }

        // The connection strings arrive through WithReference under the resource names.
        foreach (var resource in new[] { "relaydb", "redis", "rabbitmq" })
        {
            Assert.Matches($@"\(""{resource}""\)", source);
        }
    }
}
