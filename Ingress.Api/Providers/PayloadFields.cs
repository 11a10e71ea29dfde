using System.Runtime.InteropServices;
using System.Text.Json;
using Relay.Infrastructure.Providers;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// Reads values out of a webhook body by JSON pointer, recording each failure under the value's path (<c>data.id</c>).
/// A field Relay stores as a column must be text PostgreSQL can hold: no <c>\u0000</c>, no unpaired surrogate escape,
/// within its <see cref="FieldLimits">limit</see>.
/// </summary>
internal sealed class PayloadFields(JsonElement payload)
{
    /// <summary>
    /// The instants a webhook's date may name: what .NET and PostgreSQL (microseconds) share, less the first and last
    /// .NET instant, which Npgsql writes as -infinity and infinity (and which then come back without their zone).
    /// </summary>
    public static readonly DateTimeOffset EarliestDate = DateTimeOffset.MinValue.AddTicks(TimeSpan.TicksPerMicrosecond);
    public static readonly DateTimeOffset LatestDate = DateTimeOffset.MaxValue.AddTicks(-(TimeSpan.TicksPerMicrosecond - 1));

    private static readonly long EarliestUnixSeconds = EarliestDate.ToUnixTimeSeconds() + 1;
    private static readonly long LatestUnixSeconds = LatestDate.ToUnixTimeSeconds();

    public static readonly string IsoDateProblem =
        $"must be a date (ISO-8601) from {EarliestDate.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} to {LatestDate.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}";

    public static readonly string UnixDateProblem =
        $"must be a date in Unix seconds (a whole number) from {EarliestUnixSeconds} to {LatestUnixSeconds}";

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public JsonElement Payload => payload;

    // Named top-level fields, for bodies whose shape Relay defines itself (the publish API).

    public string? RequiredString(string name, int maxLength)
    {
        if (!TryGet(payload, name, name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            Errors.TryAdd(name, "must be a non-empty string");
            return null;
        }
        var problem = TryReadText(value, maxLength, out var text);
        if (problem is null && text!.Length == 0)
        {
            problem = "must be a non-empty string";
        }
        if (problem is not null)
        {
            Errors[name] = problem;
            return null;
        }
        return text;
    }

    public DateTimeOffset? RequiredDate(string name)
    {
        if (TryGet(payload, name, name, out var value) && value.ValueKind == JsonValueKind.String
            && TryReadText(value, int.MaxValue, out var text) is null && TryParseIsoDate(text!, out var date))
        {
            return date;
        }
        Errors.TryAdd(name, IsoDateProblem);
        return null;
    }

    public JsonElement? RequiredObject(string name)
    {
        if (TryGet(payload, name, name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }
        Errors.TryAdd(name, "must be an object");
        return null;
    }

    /// <summary>
    /// The string at <paramref name="name"/> of <paramref name="element"/> when there is one; null when there is none or
    /// it is not a string. One that cannot be stored is an error recorded under <paramref name="errorKey"/>.
    /// </summary>
    public string? OptionalString(JsonElement element, string name, int maxLength, string errorKey, string? why = null)
    {
        if (element.ValueKind != JsonValueKind.Object || !TryGet(element, name, errorKey, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        if (TryReadText(value, maxLength, out var text) is { } problem)
        {
            Errors[errorKey] = why is null ? problem : $"{problem} ({why})";
            return null;
        }
        return text;
    }

    /// <summary>
    /// The value <paramref name="pointer"/> names in the body, if there is one. Object members are found by name, array
    /// items by index; a step into anything else finds nothing.
    /// </summary>
    public bool TryResolve(JsonPointer pointer, string errorKey, out JsonElement value)
    {
        value = payload;
        foreach (var token in pointer.Tokens)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!TryGet(value, token, errorKey, out value))
                    {
                        return false;
                    }
                    break;
                case JsonValueKind.Array:
                    if (!JsonPointer.TryReadIndex(token, out var index) || index >= value.GetArrayLength())
                    {
                        value = default;
                        return false;
                    }
                    value = value[index];
                    break;
                default:
                    value = default;
                    return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, except that an object whose property names
    /// System.Text.Json cannot unescape to compare (an unpaired surrogate escape such as <c>"\udc00"</c>; it throws) is
    /// an error recorded under <paramref name="errorKey"/>, not an exception: such a name is not text anywhere Relay stores it.
    /// </summary>
    public bool TryGet(JsonElement element, string name, string errorKey, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            Errors[errorKey] = "is in an object with a property name that is not Unicode text (an unpaired surrogate escape)";
            value = default;
            return false;
        }
    }

    /// <summary>Null when the JSON string is text PostgreSQL can store within the limit, else why not.</summary>
    public static string? TryReadText(JsonElement value, int maxLength, out string? text)
    {
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to turn "\ud800" (a surrogate escape without its pair) into a string; it is not text.
            text = null;
            return "must be Unicode text: it holds an unpaired surrogate escape (\\ud800-\\udfff)";
        }
        return CheckText(text, maxLength);
    }

    /// <summary>Null when <paramref name="text"/> is text PostgreSQL can store within the limit, else why not.</summary>
    public static string? CheckText(string text, int maxLength)
    {
        if (text.Contains('\0'))
        {
            return "must not contain \\u0000";
        }
        if (text.Length > maxLength && CodePoints(text) > maxLength)
        {
            return $"must be at most {maxLength} characters";
        }
        return null;
    }

    /// <summary>An ISO-8601 date within the storable range, as UTC.</summary>
    public static bool TryParseIsoDate(string text, out DateTimeOffset date)
    {
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var parsed)
            && parsed >= EarliestDate && parsed <= LatestDate)
        {
            date = parsed.ToUniversalTime();
            return true;
        }
        date = default;
        return false;
    }

    /// <summary>Whole Unix seconds within the storable range.</summary>
    public static bool TryFromUnixSeconds(long seconds, out DateTimeOffset date)
    {
        if (seconds >= EarliestUnixSeconds && seconds <= LatestUnixSeconds)
        {
            date = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }
        date = default;
        return false;
    }

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// Builds the normalized payload with its keys in the contract's order. The body object is copied as the provider
    /// wrote it (its bytes, not a re-serialisation), so nothing in it is unescaped or reformatted on the way. Without
    /// an id, <c>externalEventId</c> is null (the event is then deduplicated by this payload's hash).
    /// </summary>
    public static JsonElement BuildPayload(string provider, string eventType, string? externalEventId, string bodyKey, JsonElement body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("provider", provider);
            writer.WriteString("eventType", eventType);
            writer.WriteString("externalEventId", externalEventId);
            writer.WritePropertyName(bodyKey);
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(body), skipInputValidation: true);
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 128 }).RootElement.Clone();
    }
}
