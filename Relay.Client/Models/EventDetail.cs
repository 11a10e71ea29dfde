namespace Relay.Client;

/// <summary>An event with the webhook it came from, its delivery attempts, newest processing jobs, replay requests and per-destination deliveries,
/// and the W3C trace id of the request that brought it in (null for events stored before trace ids were kept).</summary>
public sealed record EventDetail(
    Event Event, ReceivedWebhook Webhook, IReadOnlyList<DeliveryAttempt> DeliveryAttempts, IReadOnlyList<ProcessingJob> ProcessingJobs,
    IReadOnlyList<ReplayRequest> ReplayRequests, IReadOnlyList<EventDelivery> Deliveries, string? TraceId);
