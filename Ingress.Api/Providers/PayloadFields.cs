using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// Field checks shared by the provider normalizers; each failure is recorded under the field's name. A field Relay
/// stores as a column must be text PostgreSQL can hold: no <c>\u0000</c>, no unpaired surrogate escape, within its
/// <see cref="FieldLimits">limit</see>.
/// </summary>
internal sealed class PayloadFields(JsonElement payload)
{
    /// <summary>
    /// The instants a webhook's date may name: what .NET and PostgreSQL (microseconds) share, less the first and last
    /// .NET instant, which Npgsql writes as -infinity and infinity (and which then come back without their zone).
    /// </summary>
    public static readonly DateTimeOffset EarliestDate = DateTimeOffset.MinValue.AddTicks(TimeSpan.TicksPerMicrosecond);
    public static readonly DateTimeOffset LatestDate = DateTimeOffset.MaxValue.AddTicks(-(TimeSpan.TicksPerMicrosecond - 1));

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

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
            && TryReadText(value, int.MaxValue, out var text) is null
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed)
            && parsed >= EarliestDate && parsed <= LatestDate)
        {
            return parsed.ToUniversalTime();
        }
        Errors.TryAdd(name, $"must be a date (ISO-8601) from {EarliestDate.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} to {LatestDate.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}");
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

    /// <summary>Null when the string is text PostgreSQL can store within the limit, else why not.</summary>
    private static string? TryReadText(JsonElement value, int maxLength, out string? text)
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
    /// wrote it (its bytes, not a re-serialisation), so nothing in it is unescaped or reformatted on the way.
    /// </summary>
    public static JsonElement BuildPayload(string provider, string eventType, string externalEventId, string bodyKey, JsonElement body)
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
