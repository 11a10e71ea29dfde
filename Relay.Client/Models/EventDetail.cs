namespace Relay.Client;

/// <summary>An event with the webhook it came from, its delivery attempts, newest processing jobs, replay requests and per-destination deliveries.</summary>
public sealed record EventDetail(
    Event Event, ReceivedWebhook Webhook, IReadOnlyList<DeliveryAttempt> DeliveryAttempts, IReadOnlyList<ProcessingJob> ProcessingJobs,
    IReadOnlyList<ReplayRequest> ReplayRequests, IReadOnlyList<EventDelivery> Deliveries);
