using System.Text.RegularExpressions;

namespace Relay.UnitTests.Deployment;

/// <summary>
/// deploy/docker/Dockerfile builds every service image (SERVICE build argument): SDK build stage, ASP.NET
/// runtime stage, non-root user, port 8080 - the port and user the Kubernetes manifests assume.
/// Docker is not run here; the file is read.
/// </summary>
public sealed class DockerfileTests
{
    private sealed record Instruction(string Keyword, string Arguments);

    private sealed record Stage(string From, string? Alias, List<Instruction> Instructions);

    private static readonly (List<Instruction> Global, List<Stage> Stages) Parsed = Parse(File.ReadAllText(RepoPaths.Dockerfile));

    private static (List<Instruction>, List<Stage>) Parse(string text)
    {
        // Join continuation lines, drop comments and blank lines.
        var logical = Regex.Replace(text, @"\\\r?\n", " ")
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'));

        var global = new List<Instruction>();
        var stages = new List<Stage>();
        foreach (var line in logical)
        {
            var space = line.IndexOf(' ');
            var instruction = new Instruction(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            if (instruction.Keyword == "FROM")
            {
                var m = Regex.Match(instruction.Arguments, @"^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$", RegexOptions.IgnoreCase);
                stages.Add(new Stage(m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null, []));
            }
            else if (stages.Count == 0)
            {
                global.Add(instruction);
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return (global, stages);
    }

    private static Stage Runtime => Parsed.Stages[^1];

    [Fact]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime_of_dotnet_10()
    {
        Assert.Contains(Parsed.Global, i => i.Keyword == "ARG" && i.Arguments == "DOTNET_VERSION=10.0");
        Assert.Equal(2, Parsed.Stages.Count);

        var build = Parsed.Stages[0];
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}", build.From);
        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}", Runtime.From);
        Assert.Contains(Runtime.Instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith($"--from={build.Alias} ", StringComparison.Ordinal));
    }

    [Fact]
    public void Runtime_runs_as_the_non_root_app_user_on_port_8080()
    {
        var user = Assert.Single(Runtime.Instructions, i => i.Keyword == "USER").Arguments;
        Assert.Contains(user, new[] { "$APP_UID", "${APP_UID}", "1654", "app" });

        var env = string.Join(' ', Runtime.Instructions.Where(i => i.Keyword == "ENV").Select(i => i.Arguments));
        Assert.Matches(@"(^|\s)ASPNETCORE_URLS=http://\+:8080(\s|$)", env);
        Assert.Contains(Runtime.Instructions, i => i.Keyword == "EXPOSE" && i.Arguments == "8080");
    }

    [Fact]
    public void Entrypoint_execs_dotnet_so_it_receives_SIGTERM()
    {
        var entrypoint = Assert.Single(Runtime.Instructions, i => i.Keyword == "ENTRYPOINT").Arguments;
        Assert.StartsWith("[", entrypoint, StringComparison.Ordinal);
        Assert.Contains("exec dotnet", entrypoint, StringComparison.Ordinal);
    }

    [Fact]
    public void SERVICE_accepts_exactly_the_five_service_projects()
    {
        var guard = Assert.Single(Parsed.Stages[0].Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("case \"$SERVICE\"", StringComparison.Ordinal));
        var accepted = Regex.Match(guard.Arguments, @"in\s+([\w.|]+)\)").Groups[1].Value.Split('|');

        Assert.Equal(
            RelayConfigContract.Services.Select(s => s.Project).Order(StringComparer.Ordinal),
            accepted.Order(StringComparer.Ordinal));
        foreach (var project in accepted)
        {
            Assert.True(File.Exists(RepoPaths.InRepo(project, $"{project}.csproj")), $"{project}/{project}.csproj does not exist");
        }
    }

    [Fact]
    public void Build_context_leaves_out_build_outputs_but_keeps_the_shared_build_files()
    {
        var ignore = File.ReadAllLines(RepoPaths.Dockerfile + ".dockerignore")
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
        foreach (var needed in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            Assert.True(File.Exists(RepoPaths.InRepo(needed)), $"{needed} is missing from the repository");
            Assert.DoesNotContain(needed, ignore);
        }

        foreach (var project in RelayConfigContract.Services.Select(s => s.Project).Concat(["ServiceDefaults", "Relay.Infrastructure", "Relay.Contracts"]))
        {
            Assert.DoesNotContain(ignore, pattern => pattern.TrimEnd('/') == project);
        }
    }
}
