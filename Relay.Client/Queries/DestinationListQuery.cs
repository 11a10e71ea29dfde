using Relay.Client.Http;

namespace Relay.Client;

/// <summary>The page of an integration's destinations (oldest first).</summary>
public sealed record DestinationListQuery : ListQuery
{
    private protected override void AddFilters(QueryString query)
    {
    }
}
