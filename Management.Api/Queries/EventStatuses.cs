namespace Relay.Management.Api.Queries;

public static class EventStatuses
{
    public static readonly string[] All = ["pending", "processing", "processed", "retrying", "failed"];
}
