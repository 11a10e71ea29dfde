using System.Globalization;
using System.Text.Json;
using Relay.Infrastructure.Providers;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// One integration's <see cref="FieldMapping"/>, prepared once (pointers parsed, keys named) and applied to each of
/// its webhooks: the event's id, type, occurred-at time and subject, and the object it carries. Every failure is a
/// 400 naming where the value was looked for (<c>data.id</c>, <c>headers.x-github-event</c>).
/// </summary>
public sealed class WebhookNormalizer
{
    private readonly string provider;
    private readonly Rule eventId;
    private readonly Rule eventType;
    private readonly Rule occurredAt;
    private readonly Rule subject;
    private readonly JsonPointer payloadPointer;
    private readonly string payloadKey;

    private WebhookNormalizer(string provider, Rule eventId, Rule eventType, Rule occurredAt, Rule subject, JsonPointer payloadPointer, string payloadKey)
    {
        this.provider = provider;
        this.eventId = eventId;
        this.eventType = eventType;
        this.occurredAt = occurredAt;
        this.subject = subject;
        this.payloadPointer = payloadPointer;
        this.payloadKey = payloadKey;
    }

    /// <summary>The normalizer, or null with the first problem found in a mapping Relay did not validate (a row written by hand).</summary>
    public static WebhookNormalizer? Create(string provider, FieldMapping mapping, out string? problem)
    {
        problem = null;
        var eventId = Rule.Create("eventId", "it becomes the event's id", mapping.EventId, dates: false, ref problem);
        var eventType = Rule.Create("eventType", null, mapping.EventType, dates: false, ref problem);
        var occurredAt = Rule.Create("occurredAt", null, mapping.OccurredAt, dates: true, ref problem);
        var subject = Rule.Create("subject", "it becomes the event's subject", mapping.Subject, dates: false, ref problem);
        var payloadPointer = JsonPointer.Parse(mapping.Payload.Pointer ?? "", out var pointerProblem);
        if (eventType is { Sources.Length: 0 } || eventType is { Required: false })
        {
            problem ??= "eventType: must be required and have a source";
        }
        if (payloadPointer is null || string.IsNullOrEmpty(mapping.Payload.As))
        {
            problem ??= $"payload: {pointerProblem ?? "must name the key it is placed under"}";
        }
        return problem is null
            ? new WebhookNormalizer(provider, eventId!, eventType!, occurredAt!, subject!, payloadPointer!, mapping.Payload.As!)
            : null;
    }

    public NormalizationResult Normalize(JsonElement payload, IHeaderDictionary headers)
    {
        var fields = new PayloadFields(payload);
        // In the seed's order, which is also the order its 400 names the fields in.
        var id = ReadText(fields, headers, eventId, FieldLimits.ExternalEventId);
        var type = ReadText(fields, headers, eventType, FieldLimits.EventType);
        var time = ReadDate(fields, headers, occurredAt);
        var body = ReadObject(fields);
        var about = ReadText(fields, headers, subject, FieldLimits.Subject);
        if (fields.Errors.Count > 0)
        {
            return NormalizationResult.Invalid(fields.Errors);
        }
        return NormalizationResult.Valid(new NormalizedWebhook(id, type!, time, about,
            PayloadFields.BuildPayload(provider, type!, id, payloadKey, body!.Value)));
    }

    /// <summary>
    /// The first source holding a string (a header: a non-empty one). A string that cannot be stored is an error under
    /// its source, as is an empty one for a required field; with no string at all a required field is an error under
    /// its first source and an optional one is null.
    /// </summary>
    private static string? ReadText(PayloadFields fields, IHeaderDictionary headers, Rule rule, int maxLength)
    {
        foreach (var source in rule.Sources)
        {
            string? text;
            string? problem;
            if (source.Pointer is { } pointer)
            {
                if (!fields.TryResolve(pointer, source.Key, out var value) || value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                problem = PayloadFields.TryReadText(value, maxLength, out text);
            }
            else
            {
                var values = headers[source.Header!];
                if (values.Count == 0 || (text = values.ToString()).Length == 0)
                {
                    continue;
                }
                problem = PayloadFields.CheckText(text, maxLength);
            }
            if (problem is null && rule.Required && text!.Length == 0)
            {
                problem = "must be a non-empty string";
            }
            if (problem is not null)
            {
                fields.Errors[source.Key] = rule.Explain(source, problem);
                return null;
            }
            return text;
        }
        if (rule.Required)
        {
            fields.Errors.TryAdd(rule.Sources[0].Key, "must be a non-empty string");
        }
        return null;
    }

    /// <summary>
    /// The first source holding a date of its format's JSON type (ISO-8601: a string; Unix seconds: a number or a
    /// string). One that is not a storable date is an error; with none, a required time is an error and an optional
    /// one is null (the received time stands for it).
    /// </summary>
    private static DateTimeOffset? ReadDate(PayloadFields fields, IHeaderDictionary headers, Rule rule)
    {
        foreach (var source in rule.Sources)
        {
            string? text = null;
            long? seconds = null;
            if (source.Pointer is { } pointer)
            {
                if (!fields.TryResolve(pointer, source.Key, out var value))
                {
                    continue;
                }
                if (value.ValueKind == JsonValueKind.String)
                {
                    text = PayloadFields.TryReadText(value, int.MaxValue, out var read) is null ? read : "";
                }
                else if (value.ValueKind == JsonValueKind.Number && source.UnixSeconds)
                {
                    seconds = value.TryGetInt64(out var whole) ? whole : long.MinValue;
                }
                else
                {
                    continue;
                }
            }
            else
            {
                var values = headers[source.Header!];
                if (values.Count == 0 || (text = values.ToString()).Length == 0)
                {
                    continue;
                }
            }

            if (source.UnixSeconds)
            {
                if (text is not null)
                {
                    seconds = long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MinValue;
                }
                if (PayloadFields.TryFromUnixSeconds(seconds!.Value, out var date))
                {
                    return date;
                }
            }
            else if (PayloadFields.TryParseIsoDate(text!, out var date))
            {
                return date;
            }
            fields.Errors.TryAdd(source.Key, source.DateProblem);
            return null;
        }
        if (rule.Required)
        {
            fields.Errors.TryAdd(rule.Sources[0].Key, rule.Sources[0].DateProblem);
        }
        return null;
    }

    /// <summary>The object the event carries: the whole body, or the object at the payload pointer.</summary>
    private JsonElement? ReadObject(PayloadFields fields)
    {
        if (fields.TryResolve(payloadPointer, payloadPointer.Path, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }
        fields.Errors.TryAdd(payloadPointer.Path, "must be an object");
        return null;
    }

    /// <summary>A <see cref="FieldRule"/> prepared: each source's pointer parsed and the key its errors go under.</summary>
    private sealed record Rule(string Name, string? Why, bool Required, Source[] Sources)
    {
        public static Rule? Create(string name, string? why, FieldRule? rule, bool dates, ref string? problem)
        {
            if (rule?.From is null)
            {
                problem ??= $"{name}: missing";
                return null;
            }
            var sources = new Source[rule.From.Count];
            for (var i = 0; i < sources.Length; i++)
            {
                var from = rule.From[i];
                var unix = from.Format == DateFormats.UnixSeconds;
                if (from.Format is not (null or DateFormats.Iso8601 or DateFormats.UnixSeconds) || (!dates && from.Format is not null))
                {
                    problem ??= $"{name}: unknown date format";
                    return null;
                }
                if (from.Pointer is { } text && from.Header is null && JsonPointer.Parse(text, out _) is { } pointer)
                {
                    sources[i] = new Source(pointer, null, pointer.Path, unix);
                }
                else if (from.Header is { } header && from.Pointer is null && ProviderHeaders.Problem(header) is null)
                {
                    sources[i] = new Source(null, header, $"headers.{header.ToLowerInvariant()}", unix);
                }
                else
                {
                    problem ??= $"{name}: a source must be a JSON pointer or a header name";
                    return null;
                }
            }
            if (rule.Required && sources.Length == 0)
            {
                problem ??= $"{name}: a required field needs a source";
                return null;
            }
            return new Rule(name, why, rule.Required, sources);
        }

        /// <summary>An optional field's value refused where the body calls it something else says what it was for.</summary>
        public string Explain(Source source, string problem) =>
            !Required && Why is not null && source.Key != Name ? $"{problem} ({Why})" : problem;
    }

    private sealed record Source(JsonPointer? Pointer, string? Header, string Key, bool UnixSeconds)
    {
        public string DateProblem => UnixSeconds ? PayloadFields.UnixDateProblem : PayloadFields.IsoDateProblem;
    }
}
