using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Replays;

/// <summary>
/// Which events a bulk replay takes: the filters of <c>GET /events</c> (<c>provider</c>, <c>status</c>, <c>eventType</c>
/// exact, <c>subject</c> case-insensitive substring, <c>from</c>/<c>to</c> on the occurred time) plus <c>integrationId</c>
/// and <c>receivedFrom</c>/<c>receivedTo</c> on the received time, all ends inclusive. Management.Api counts with it and
/// Replay.Worker walks with it, so the dry run and the job can never disagree on what matches. Stored with the job as
/// JSON (only the fields given).
/// </summary>
public sealed record BulkReplayFilter(
    string? Provider = null,
    Guid? IntegrationId = null,
    string? Status = null,
    string? EventType = null,
    string? Subject = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    DateTimeOffset? ReceivedFrom = null,
    DateTimeOffset? ReceivedTo = null)
{
    private static readonly JsonSerializerOptions StorageOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, StorageOptions);

    public static BulkReplayFilter FromJson(string json) =>
        JsonSerializer.Deserialize<BulkReplayFilter>(json, StorageOptions) ?? throw new JsonException("A bulk replay filter must be a JSON object.");

    /// <summary>
    /// The conditions on <c>normalized_events</c> (unaliased), each starting with <c>AND</c>, and their values added to
    /// <paramref name="parameters"/> under names starting with <c>Filter</c>. Only the fields given appear, so PostgreSQL
    /// plans each combination with its indexes. Empty when nothing is filtered.
    /// </summary>
    public string Conditions(DynamicParameters parameters)
    {
        var conditions = new List<string>();
        void Add(object? value, string name, string condition)
        {
            if (value is not null)
            {
                conditions.Add(condition);
                parameters.Add(name, value);
            }
        }
        Add(Provider, "FilterProvider", "provider = @FilterProvider");
        Add(IntegrationId, "FilterIntegrationId", "integration_id = @FilterIntegrationId");
        Add(Status, "FilterStatus", "status = @FilterStatus");
        Add(EventType, "FilterEventType", "event_type = @FilterEventType");
        Add(Subject is null ? null : LikePattern.Contains(Subject), "FilterSubject", @"subject ILIKE @FilterSubject ESCAPE '\'");
        Add(From?.ToUniversalTime(), "FilterFrom", "occurred_at >= @FilterFrom");
        Add(To?.ToUniversalTime(), "FilterTo", "occurred_at <= @FilterTo");
        Add(ReceivedFrom?.ToUniversalTime(), "FilterReceivedFrom", "received_at >= @FilterReceivedFrom");
        Add(ReceivedTo?.ToUniversalTime(), "FilterReceivedTo", "received_at <= @FilterReceivedTo");
        return string.Concat(conditions.Select(condition => " AND " + condition));
    }
}
