using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Relay.Infrastructure.Replays;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Replays;

/// <summary>
/// The <c>filter</c> object of a bulk replay, read with the very <see cref="QueryReader"/> rules of <c>GET /events</c>
/// (names, formats, messages): an operator can list the events with a filter and then replay exactly those. Each
/// value is a string, as in a query string; the filter adds <c>integrationId</c> and <c>receivedFrom</c>/<c>receivedTo</c>
/// to the list's <c>provider</c>, <c>status</c>, <c>eventType</c>, <c>subject</c> and <c>from</c>/<c>to</c>.
/// </summary>
public static class BulkReplayFilterInput
{
    /// <summary>The filter read from <paramref name="value"/>, or null with its errors recorded in <paramref name="fields"/> under <c>name.field</c>.</summary>
    public static BulkReplayFilter? Read(JsonFields fields, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields.Fail(name, "must be an object of event filters ({} replays every event)");
            return null;
        }

        var query = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        var notText = new List<string>();
        foreach (var property in value.EnumerateObject())
        {
            if (JsonFields.NameOf(property) is not { } key)
            {
                fields.Fail(name, "has a field name that is not valid Unicode text");
                continue;
            }
            var text = "";
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    text = property.Value.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    notText.Add(key);
                }
            }
            else if (property.Value.ValueKind != JsonValueKind.Null)
            {
                notText.Add(key);
            }
            // A name given twice reaches the reader as a repeated parameter, which it refuses.
            query[key] = query.TryGetValue(key, out var given) ? StringValues.Concat(given, text) : new StringValues(text);
        }

        var reader = new QueryReader(new QueryCollection(query));
        var filter = Read(reader);
        reader.RejectUnknown();
        foreach (var key in notText)
        {
            reader.Fail(key, "must be a string");
        }
        foreach (var (key, message) in reader.Errors)
        {
            fields.Fail($"{name}.{key}", message);
        }
        return reader.IsValid ? filter : null;
    }

    /// <summary>The filter's parameters, read as <c>GET /events</c> reads its own.</summary>
    public static BulkReplayFilter Read(QueryReader reader)
    {
        var provider = reader.Provider();
        var integrationId = reader.Uuid("integrationId");
        var status = reader.OneOf("status", EventStatuses.All);
        var eventType = reader.Text("eventType");
        var subject = reader.Text("subject");
        var (from, to) = reader.TimeRange();
        var (receivedFrom, receivedTo) = reader.TimeRange("receivedFrom", "receivedTo");
        return new BulkReplayFilter(provider, integrationId, status, eventType, subject, from, to, receivedFrom, receivedTo);
    }
}
