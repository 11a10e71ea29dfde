namespace Relay.Management.Api.Queries;

public enum EventSortField
{
    ReceivedAt,
    CreatedAt,
    OccurredAt,
    Status,
}
