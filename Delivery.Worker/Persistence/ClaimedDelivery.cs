namespace Relay.Delivery.Worker.Persistence;

/// <summary>An event this worker has claimed (it holds the lease) with what it needs to deliver it.</summary>
/// <param name="ProcessingAttempts">Attempts recorded before this one; the attempt being made is number <c>ProcessingAttempts + 1</c>.</param>
/// <param name="JobId">The processing job this delivery runs as (marked running by the claim).</param>
public sealed record ClaimedDelivery(
    Guid EventId,
    Guid IntegrationId,
    string Provider,
    string Payload,
    int ProcessingAttempts,
    int AttemptBudgetStart,
    string CorrelationId,
    Guid? ReplayRequestId,
    Guid LeaseId,
    string CallbackUrl,
    bool IntegrationActive,
    Guid JobId)
{
    public int AttemptNo => ProcessingAttempts + 1;
}
