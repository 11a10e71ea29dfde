using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Logs a health check's full detail when its state changes, once, rather than on every probe (an orchestrator probes
/// every few seconds): a Warning when it starts failing or fails for another reason, an Information when it recovers.
/// The public health answer shows only a generic reason; this line is where the operator finds the rest.
/// </summary>
public sealed class HealthStateLog(ILogger<HealthStateLog> logger)
{
    private const string Healthy = "ok";
    private readonly Dictionary<string, string> lastStates = new(StringComparer.Ordinal);

    public void Record(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var state = entry.Status == HealthStatus.Healthy ? Healthy : Extensions.PublicDetailOf(entry);
            lock (lastStates)
            {
                // A check that was never seen is taken as healthy: a service that starts healthy logs nothing.
                if (lastStates.GetValueOrDefault(name, Healthy) == state)
                {
                    continue;
                }
                lastStates[name] = state;
            }
            if (state == Healthy)
            {
                logger.LogInformation("Health check {Check} is healthy again", name);
            }
            else
            {
                var detail = entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString();
                logger.LogWarning("Health check {Check} is failing ({PublicDetail}): {Detail}", name, state, detail.ReplaceLineEndings(" "));
            }
        }
    }
}
