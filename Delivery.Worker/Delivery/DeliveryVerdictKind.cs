namespace Relay.Delivery.Worker.Delivery;

public enum DeliveryVerdictKind
{
    Processed,
    RetryScheduled,
    Failed,
}
