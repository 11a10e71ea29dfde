using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>The "Relay.Delivery" ActivitySource and Meter (ServiceDefaults exports <c>Relay.*</c>).</summary>
public sealed class DeliveryTelemetry : IDisposable
{
    public const string Name = "Relay.Delivery";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter meter;

    public DeliveryTelemetry(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(Name);
        Attempts = meter.CreateCounter<long>("relay.delivery.attempts", description: "HTTP delivery attempts made");
        Successes = meter.CreateCounter<long>("relay.delivery.successes", description: "Delivery attempts answered with 2xx");
        Failures = meter.CreateCounter<long>("relay.delivery.failures", description: "Delivery attempts that failed (non-2xx, timeout, network error)");
        Duration = meter.CreateHistogram<double>("relay.delivery.duration", unit: "ms", description: "Duration of HTTP delivery attempts");
        Deferred = meter.CreateCounter<long>("relay.delivery.deferred", description: "Deliveries put off without an attempt (circuit open, in-flight or rate limit of their destination)");
        DestinationsDisabled = meter.CreateCounter<long>("relay.delivery.destinations_disabled", description: "Destinations disabled automatically (410 Gone, or failing too long)");
        LostLeases = meter.CreateCounter<long>("relay.delivery.lost_leases", description: "Outcomes discarded because the event's lease had passed to another claim");
    }

    public Counter<long> Attempts { get; }
    public Counter<long> Successes { get; }
    public Counter<long> Failures { get; }
    public Histogram<double> Duration { get; }
    public Counter<long> LostLeases { get; }
    public Counter<long> Deferred { get; }
    public Counter<long> DestinationsDisabled { get; }

    public void Dispose() => meter.Dispose();
}
