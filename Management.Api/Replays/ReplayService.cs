using System.Text.Json;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.Management.Api.Data;

namespace Relay.Management.Api.Replays;

/// <summary>
/// Records a replay request before anything is published: the request, its job, the audit entry and the
/// <see cref="ReplayRequested"/> outbox row commit together, then the outbox publisher sends the message.
/// </summary>
public sealed class ReplayService(ReplayRequestRepository replays, OutboxSignal outboxSignal, TimeProvider timeProvider)
{
    /// <summary>Returns null when the event does not exist.</summary>
    public async Task<ReplayAccepted?> RequestAsync(Guid eventId, ReplayRequestInput input, string correlationId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var requestId = Guid.CreateVersion7(now);
        var request = new NewReplayRequest(
            Id: requestId,
            JobId: Guid.CreateVersion7(now),
            EventId: eventId,
            RequestedBy: input.RequestedBy,
            Reason: input.Reason,
            RequestedAt: now,
            AuditDetails: JsonSerializer.Serialize(new { eventId, reason = input.Reason, correlationId }, JsonSerializerOptions.Web),
            Outbox: OutboxEntry.For(new ReplayRequested(requestId, eventId, input.RequestedBy, correlationId, now)));
        if (!await replays.TryCreateAsync(request, cancellationToken))
        {
            return null;
        }
        outboxSignal.Notify();
        return new ReplayAccepted(requestId, eventId);
    }
}
