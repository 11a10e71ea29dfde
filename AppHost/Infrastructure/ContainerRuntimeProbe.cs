using System.Diagnostics;

namespace Relay.AppHost.Infrastructure;

/// <summary>
/// Asks the container runtime Aspire would use (<c>ASPIRE_CONTAINER_RUNTIME</c>, else docker) whether its engine
/// answers. A client without a daemon (as on machines with only the docker CLI) counts as no runtime.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static bool EngineAnswers(string? configuredRuntime)
    {
        var runtime = string.IsNullOrWhiteSpace(configuredRuntime) ? "docker" : configuredRuntime;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(process.StandardOutput.ReadToEnd());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The runtime's client is not installed.
            return false;
        }
    }
}
