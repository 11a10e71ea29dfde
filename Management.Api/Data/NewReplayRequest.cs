using Relay.Infrastructure.Messaging;

namespace Relay.Management.Api.Data;

public sealed record NewReplayRequest(
    Guid Id,
    Guid JobId,
    Guid EventId,
    string RequestedBy,
    string Reason,
    DateTimeOffset RequestedAt,
    string AuditDetails,
    OutboxEntry Outbox);
