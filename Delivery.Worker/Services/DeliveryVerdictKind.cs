namespace Relay.Delivery.Worker.Services;

public enum DeliveryVerdictKind
{
    Processed,
    RetryScheduled,
    Failed,
}
