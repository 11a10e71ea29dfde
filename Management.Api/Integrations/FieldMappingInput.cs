using System.Text.Json;
using System.Text.RegularExpressions;
using Relay.Infrastructure.Providers;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The <c>fields</c> object of an integration body: any of <c>eventId</c>, <c>eventType</c>, <c>occurredAt</c>,
/// <c>subject</c> (each <c>{"from": source or [sources], "required": bool}</c>, a source being
/// <c>{"pointer": "/data/id"}</c> or <c>{"header": "X-GitHub-Event"}</c>, plus <c>"format": "iso8601"|"unix"</c> for
/// a date) and <c>payload</c> (<c>{"pointer": "/data", "as": "data"}</c>). Each one given replaces the one it is
/// applied to; null clears it (no source; the whole body for <c>payload</c>); one not given is kept.
/// </summary>
public sealed partial record FieldMappingInput(
    Optional<FieldRule> EventId,
    Optional<FieldRule> EventType,
    Optional<FieldRule> OccurredAt,
    Optional<FieldRule> Subject,
    Optional<PayloadRule> Payload)
{
    public const int MaxSources = 5;

    private static readonly string[] ReservedPayloadKeys = ["provider", "eventType", "externalEventId"];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,49}$")]
    private static partial Regex PayloadKeyPattern();

    public FieldMapping ApplyTo(FieldMapping mapping) => new(
        EventId.IsSet ? EventId.Value : mapping.EventId,
        EventType.IsSet ? EventType.Value : mapping.EventType,
        OccurredAt.IsSet ? OccurredAt.Value : mapping.OccurredAt,
        Subject.IsSet ? Subject.Value : mapping.Subject,
        Payload.IsSet ? Payload.Value : mapping.Payload);

    /// <summary>The changes the body gives, or null when it gives none (or they are invalid, with the reasons recorded).</summary>
    public static FieldMappingInput? Read(JsonFields body)
    {
        if (!body.TryGet("fields", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            body.Fail("fields", "must be an object with any of: eventId, eventType, occurredAt, subject, payload");
            return null;
        }
        var before = body.Errors.Count;
        var fields = body.Nested("fields", element);
        var input = new FieldMappingInput(
            Rule(fields, "eventId", dates: false),
            Rule(fields, "eventType", dates: false, alwaysRequired: true),
            Rule(fields, "occurredAt", dates: true),
            Rule(fields, "subject", dates: false),
            PayloadRuleOf(fields));
        fields.RejectUnknown();
        return body.Errors.Count == before ? input : null;
    }

    private static Optional<FieldRule> Rule(JsonFields fields, string name, bool dates, bool alwaysRequired = false)
    {
        if (!fields.TryGet(name, out var element))
        {
            return Optional<FieldRule>.Unset;
        }
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (alwaysRequired)
            {
                fields.Fail(name, "cannot be cleared: every event needs a type");
                return Optional<FieldRule>.Unset;
            }
            return Optional<FieldRule>.Of(FieldRule.None);
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            fields.Fail(name, "must be an object such as {\"from\": {\"pointer\": \"/id\"}, \"required\": true}");
            return Optional<FieldRule>.Unset;
        }
        var rule = fields.Nested(name, element);
        var sources = Sources(rule, dates);
        var required = rule.Boolean("required") ?? alwaysRequired;
        if (alwaysRequired && !required)
        {
            rule.Fail("required", "must be true: every event needs a type");
        }
        if (required && sources.Count == 0)
        {
            rule.Fail("from", "is required: a required field needs at least one source");
        }
        rule.RejectUnknown();
        return Optional<FieldRule>.Of(new FieldRule(sources, required));
    }

    private static List<FieldSource> Sources(JsonFields rule, bool dates)
    {
        var sources = new List<FieldSource>();
        if (!rule.TryGet("from", out var from) || from.ValueKind == JsonValueKind.Null)
        {
            return sources;
        }
        switch (from.ValueKind)
        {
            case JsonValueKind.Object:
                AddSource(rule, "from", from, dates, sources);
                break;
            case JsonValueKind.Array when from.GetArrayLength() is > 0 and <= MaxSources:
                var index = 0;
                foreach (var item in from.EnumerateArray())
                {
                    AddSource(rule, $"from[{index++}]", item, dates, sources);
                }
                break;
            default:
                rule.Fail("from", $"must be a source ({{\"pointer\": \"/id\"}} or {{\"header\": \"X-Event-Id\"}}) or an array of 1-{MaxSources}, the first found winning");
                break;
        }
        return sources;
    }

    private static void AddSource(JsonFields rule, string path, JsonElement element, bool dates, List<FieldSource> sources)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            rule.Fail(path, "must be an object: {\"pointer\": \"/id\"} or {\"header\": \"X-Event-Id\"}");
            return;
        }
        var source = rule.Nested(path, element);
        string? pointer = null;
        if (source.TryGet("pointer", out var pointerValue) && pointerValue.ValueKind != JsonValueKind.Null)
        {
            pointer = source.String("pointer", pointerValue);
            if (pointer is not null && JsonPointer.Parse(pointer, out var problem) is null)
            {
                source.Fail("pointer", problem!);
            }
            else if (pointer is "")
            {
                source.Fail("pointer", "must point into the body, such as /id (the whole body is never a single value)");
            }
        }
        var header = source.Text("header", 1, ProviderHeaders.MaxNameLength);
        if (header is not null && ProviderHeaders.Problem(header) is { } headerProblem)
        {
            source.Fail("header", headerProblem);
        }
        if (source.Has("pointer") == source.Has("header"))
        {
            rule.Fail(path, "must have either a pointer or a header");
        }
        string? format = null;
        if (dates)
        {
            format = source.Text("format", 1, 20) ?? DateFormats.Iso8601;
            if (!DateFormats.All.Contains(format))
            {
                source.Fail("format", $"must be one of: {string.Join(", ", DateFormats.All)}");
            }
        }
        source.RejectUnknown();
        sources.Add(new FieldSource(pointer, header, format));
    }

    private static Optional<PayloadRule> PayloadRuleOf(JsonFields fields)
    {
        if (!fields.TryGet("payload", out var element))
        {
            return Optional<PayloadRule>.Unset;
        }
        if (element.ValueKind == JsonValueKind.Null)
        {
            return Optional<PayloadRule>.Of(PayloadRule.WholeBody);
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            fields.Fail("payload", "must be an object such as {\"pointer\": \"/data\", \"as\": \"data\"}");
            return Optional<PayloadRule>.Unset;
        }
        var payload = fields.Nested("payload", element);
        var pointer = "";
        if (payload.TryGet("pointer", out var pointerValue) && pointerValue.ValueKind != JsonValueKind.Null)
        {
            pointer = payload.String("pointer", pointerValue) ?? "";
            if (JsonPointer.Parse(pointer, out var problem) is null)
            {
                payload.Fail("pointer", problem!);
            }
        }
        var key = payload.Text("as", 1, 50) ?? PayloadRule.WholeBody.As;
        if (!PayloadKeyPattern().IsMatch(key) || ReservedPayloadKeys.Contains(key, StringComparer.Ordinal))
        {
            payload.Fail("as", $"must be 1-50 letters, digits or '_' (not starting with a digit), other than {string.Join(", ", ReservedPayloadKeys)}");
        }
        payload.RejectUnknown();
        return Optional<PayloadRule>.Of(new PayloadRule(pointer, key));
    }
}
