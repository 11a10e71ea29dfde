namespace Relay.Delivery.Worker.Delivery;

/// <param name="AttemptNo">The attempt just made, counted over the delivery's whole life (<c>attempts + 1</c>).</param>
/// <param name="NextAttemptNo">The attempt scheduled next, same numbering (retries only).</param>
/// <param name="Delay">How long until the next attempt (retries only).</param>
public sealed record DeliveryVerdict(DeliveryVerdictKind Kind, int AttemptNo, int? NextAttemptNo, TimeSpan? Delay);
