using System.Text.Json;
using System.Text.RegularExpressions;
using Relay.Ingress.Api.Providers;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// The body of <c>POST /api/v1/events</c>: <c>eventType</c> and <c>payload</c> (an object) are required; <c>eventId</c>
/// (the event's id in the publisher's system: the same id again is a duplicate, as for a webhook), <c>occurredAt</c>
/// (default: now), <c>subject</c> (default: <c>payload.id</c> when it is a string) and the integration, by
/// <c>integrationId</c> or <c>provider</c> (default: the <c>relay</c> integration), are optional. Any other field is refused.
/// </summary>
public sealed partial record PublishRequest(
    string EventType, JsonElement Payload, string? EventId, DateTimeOffset? OccurredAt, string? Subject, Guid? IntegrationId, string? Provider)
{
    private static readonly string[] Fields = ["eventType", "payload", "eventId", "occurredAt", "subject", "integrationId", "provider"];

    public static (PublishRequest? Request, IReadOnlyDictionary<string, string> Errors) Parse(JsonElement body)
    {
        var fields = new PayloadFields(body);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                fields.Errors.TryAdd("body", "has a field name that is not Unicode text");
                continue;
            }
            if (!names.Add(name))
            {
                fields.Errors.TryAdd(name, "must be given at most once");
            }
            else if (!Fields.Contains(name, StringComparer.Ordinal))
            {
                fields.Errors.TryAdd(name, $"is not a supported field; supported: {string.Join(", ", Fields)}");
            }
        }
        if (fields.Errors.Count > 0)
        {
            return (null, fields.Errors);
        }

        var eventType = fields.RequiredString("eventType", FieldLimits.EventType);
        var payload = fields.RequiredObject("payload");
        var eventId = Given(body, "eventId") ? fields.RequiredString("eventId", FieldLimits.ExternalEventId) : null;
        var occurredAt = Given(body, "occurredAt") ? fields.RequiredDate("occurredAt") : null;
        var subject = Given(body, "subject")
            ? fields.RequiredString("subject", FieldLimits.Subject)
            : payload is { } data ? fields.OptionalString(data, "id", FieldLimits.Subject, "payload.id", "it becomes the event's subject") : null;
        Guid? integrationId = null;
        if (Given(body, "integrationId"))
        {
            if (body.GetProperty("integrationId") is { ValueKind: JsonValueKind.String } text && Guid.TryParseExact(text.GetString(), "D", out var id))
            {
                integrationId = id;
            }
            else
            {
                fields.Errors.TryAdd("integrationId", "must be a UUID");
            }
        }
        string? provider = null;
        if (Given(body, "provider"))
        {
            provider = body.GetProperty("provider") is { ValueKind: JsonValueKind.String } text ? text.GetString()!.ToLowerInvariant() : null;
            if (provider is null || !ProviderPattern().IsMatch(provider))
            {
                fields.Errors.TryAdd("provider", "must be a provider key of 2-50 characters: letters, digits, '-' or '_'");
            }
        }
        if (integrationId is not null && provider is not null)
        {
            fields.Errors.TryAdd("provider", "give integrationId or provider, not both");
        }
        return fields.Errors.Count > 0
            ? (null, fields.Errors)
            : (new PublishRequest(eventType!, payload!.Value, eventId, occurredAt, subject, integrationId, provider), fields.Errors);
    }

    /// <summary>Present with a value other than null (a null counts as not given).</summary>
    private static bool Given(JsonElement body, string name) => body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,49}$")]
    private static partial Regex ProviderPattern();
}
