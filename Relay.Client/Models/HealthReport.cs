namespace Relay.Client;

/// <summary>The gateway's view of Relay's dependencies: <c>ok</c> or <c>degraded</c>, with each check's status.</summary>
public sealed record HealthReport(string Status, DateTimeOffset Timestamp, IReadOnlyDictionary<string, HealthCheck> Checks)
{
    /// <summary>Whether every dependency is healthy.</summary>
    public bool IsHealthy => Status == "ok";
}
