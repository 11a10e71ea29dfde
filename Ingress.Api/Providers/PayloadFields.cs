using System.Globalization;
using System.Text.Json;

namespace Relay.Ingress.Api.Providers;

/// <summary>Field checks shared by the provider normalizers; each failure is recorded under the field's name.</summary>
internal sealed class PayloadFields(JsonElement payload)
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? RequiredString(string name)
    {
        if (payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
        {
            return value.GetString();
        }
        Errors[name] = "must be a non-empty string";
        return null;
    }

    public DateTimeOffset? RequiredDate(string name)
    {
        if (payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return parsed.ToUniversalTime();
        }
        Errors[name] = "must be a date (ISO-8601)";
        return null;
    }

    public JsonElement? RequiredObject(string name)
    {
        if (payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }
        Errors[name] = "must be an object";
        return null;
    }

    public static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Builds the normalized payload with its keys in the contract's order.</summary>
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
            body.WriteTo(writer);
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
