namespace Relay.Management.Api.Queries;

public enum SortDirection
{
    Asc,
    Desc,
}
