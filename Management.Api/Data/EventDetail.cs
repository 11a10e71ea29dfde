namespace Relay.Management.Api.Data;

/// <param name="TraceId">
/// The W3C trace id (32 hex) of the request that brought the event in, to find its trace in a tracing backend; null for
/// events stored before Relay recorded it.
/// </param>
public sealed record EventDetail(
    EventView Event,
    WebhookView Webhook,
    IReadOnlyList<DeliveryAttemptView> DeliveryAttempts,
    IReadOnlyList<ProcessingJobView> ProcessingJobs,
    IReadOnlyList<ReplayRequestView> ReplayRequests,
    IReadOnlyList<EventDeliveryView> Deliveries,
    string? TraceId);
