using Relay.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.OperatorConsole;

/// <summary>
/// The operator console in a real browser: each scenario in tests/console-browser/scenarios drives Debian's headless
/// Chromium (playwright-core) against the running services through the gateway, as an operator would, and sets up its
/// own data through the public API. A failing scenario leaves a screenshot in TestResults/console-browser.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ConsoleBrowserTests(RelayCluster cluster, ITestOutputHelper output)
{
    private static readonly NodePackage Scenarios = new("console-browser", installedMarker: "playwright-core");

    public static TheoryData<string> ScenarioNames()
    {
        var names = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Scenarios.Folder, "scenarios"), "*.mjs").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Scenario_passes_in_headless_chromium(string scenario)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing; ./test.sh installs Debian's chromium");
        await Scenarios.EnsureInstalledAsync();
        var environment = new Dictionary<string, string>
        {
            ["RELAY_GATEWAY"] = cluster.GatewayAddress.ToString(),
            ["RELAY_MANAGEMENT_KEY"] = RelayCluster.ManagementApiKey,
            ["RELAY_CHROMIUM"] = ChromiumPath,
            ["RELAY_FAILURES"] = Path.Combine(ServiceBinaries.RepositoryRoot, "TestResults", "console-browser"),
        };
        // RELAY_SCREENSHOTS=<folder> makes the scenarios photograph the pages for the README (docs/images).
        if (Environment.GetEnvironmentVariable("RELAY_SCREENSHOTS") is { Length: > 0 } screenshots)
        {
            environment["RELAY_SCREENSHOTS"] = screenshots;
        }
        var (exitCode, stdout, stderr) = await Scenarios.RunAsync("node", ["run.mjs", scenario], null, environment, TimeSpan.FromMinutes(3));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exitCode == 0, $"scenario {scenario} failed ({exitCode}):\n{stderr}\n{stdout}");
    }

    private static string ChromiumPath => Environment.GetEnvironmentVariable("RELAY_CHROMIUM") ?? "/usr/bin/chromium";
}
