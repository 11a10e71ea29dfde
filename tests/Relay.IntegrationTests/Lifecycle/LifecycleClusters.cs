using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Lifecycle;

/// <summary>Fast retries (200 ms base: 400 ms, then 800 ms) for the delivery, retry and replay tests.</summary>
public sealed class DeliveryLifecycleCluster : RelayCluster
{
    protected override string Purpose => "lifecycle";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Delivery__MaxAttempts"] = "3",
        ["Relay__Delivery__RetryBaseDelayMs"] = "200",
        ["Relay__Replay__QueuedGraceSeconds"] = "2",
        ["Relay__Replay__SweepIntervalSeconds"] = "1",
    };
}

/// <summary>
/// For the tests that kill or stop Delivery.Worker: a retry delay long enough to kill the worker while a retry
/// waits (3 s base: 6 s before attempt 2), and a short lease so a delivery cut off by a kill is redelivered soon.
/// </summary>
public sealed class DeliveryRestartCluster : RelayCluster
{
    public const int LeaseSeconds = 10;

    protected override string Purpose => "restart";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Delivery__MaxAttempts"] = "3",
        ["Relay__Delivery__RetryBaseDelayMs"] = "3000",
        ["Relay__Delivery__LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
