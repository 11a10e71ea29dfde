using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the audit trail (newest first).</summary>
public sealed record AuditEntryListQuery : ListQuery
{
    /// <summary>The kind of entity (integration, destination, api_key, ...).</summary>
    public string? EntityType { get; init; }

    /// <summary>The entity's id.</summary>
    public Guid? EntityId { get; init; }

    /// <summary>The action.</summary>
    public string? Action { get; init; }

    /// <summary>Who acted.</summary>
    public string? Actor { get; init; }

    /// <summary>Written at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Written at or before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The key the request was made with (an API key id, or "bootstrap").</summary>
    public string? ApiKeyId { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("entityType", EntityType).Add("entityId", EntityId).Add("action", Action).Add("actor", Actor).Add("from", From).Add("to", To).Add("apiKeyId", ApiKeyId);
}
