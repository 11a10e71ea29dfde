using System.Diagnostics.Metrics;

namespace Relay.Management.Api.Security;

/// <summary>The "Relay.Management" meter (ServiceDefaults exports <c>Relay.*</c>).</summary>
public sealed class ManagementAuthTelemetry : IDisposable
{
    public const string MeterName = "Relay.Management";
    public const string FailuresName = "relay.management.auth.failures";

    /// <summary>The <c>outcome</c> tag: no key sent, a wrong key, or refused unheard because the address is throttled.</summary>
    public const string MissingKey = "missing_key";
    public const string InvalidKey = "invalid_key";
    public const string Throttled = "throttled";

    private readonly Meter meter;
    private readonly Counter<long> failures;

    public ManagementAuthTelemetry(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(MeterName);
        failures = meter.CreateCounter<long>(FailuresName, description: "Management requests refused for their key (tag outcome: missing_key, invalid_key, throttled); never the key itself");
    }

    public void Failed(string outcome) => failures.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => meter.Dispose();
}
