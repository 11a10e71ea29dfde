using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relay.Ingress.Api.Ingestion;

public static class IdempotencyKey
{
    private static readonly JsonWriterOptions CanonicalWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// <c>{provider}:{externalEventId}</c>, or when the id is blank <c>{provider}:payload:{sha256 hex}</c> of the
    /// normalized payload serialized with its object keys sorted, so the same content always gives the same key.
    /// </summary>
    public static string For(string provider, string? externalEventId, JsonElement normalizedPayload) =>
        string.IsNullOrWhiteSpace(externalEventId)
            ? $"{provider}:payload:{Convert.ToHexStringLower(SHA256.HashData(CanonicalJson(normalizedPayload)))}"
            : $"{provider}:{externalEventId}";

    public static byte[] CanonicalJson(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CanonicalWriterOptions))
        {
            WriteSorted(writer, element);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
