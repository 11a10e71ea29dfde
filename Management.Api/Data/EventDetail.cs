namespace Relay.Management.Api.Data;

public sealed record EventDetail(
    EventView Event,
    WebhookView Webhook,
    IReadOnlyList<DeliveryAttemptView> DeliveryAttempts,
    IReadOnlyList<ProcessingJobView> ProcessingJobs,
    IReadOnlyList<ReplayRequestView> ReplayRequests,
    IReadOnlyList<EventDeliveryView> Deliveries);
