namespace Relay.Delivery.Worker.Persistence;

/// <summary>A delivery this worker has claimed (it holds the lease), with the counters as the claim found them.</summary>
/// <param name="Attempts">Attempts of this delivery before this one; the attempt being made is number <c>Attempts + 1</c>.</param>
/// <param name="JobId">The processing job this attempt runs as (marked running by the claim).</param>
public sealed record ClaimedDelivery(DeliveryCandidate Target, Guid LeaseId, int Attempts, int AttemptBudgetStart, Guid? ReplayRequestId, Guid? RecoveryId, Guid JobId)
{
    public Guid DeliveryId => Target.DeliveryId;

    public Guid EventId => Target.EventId;

    public int AttemptNo => Attempts + 1;
}
