using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relay.Infrastructure.Providers;

/// <summary>An event's idempotency key: built by ingest and publishing, looked up by management's search by provider event id.</summary>
public static class IdempotencyKey
{
    private static readonly JsonWriterOptions CanonicalWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The namespace of the keys of events without an id, within a provider's keys.</summary>
    public const string ContentHashNamespace = "payload:";

    /// <summary>
    /// <c>{provider}:{externalEventId}</c>, or when the id is blank <c>{provider}:payload:{sha256 hex}</c> of the
    /// normalized payload serialized with its object keys sorted, so the same content always gives the same key.
    /// <para>
    /// An id that itself starts with <c>payload:</c> would land in the content keys' namespace (the id
    /// <c>payload:{hex}</c> would be the key of some content), so such an id is moved one level down:
    /// <c>{provider}:payload:{externalEventId}</c>, i.e. <c>{provider}:payload:payload:...</c>. That never equals a
    /// content key (64 hex digits follow <c>payload:</c> there, never <c>payload:</c> again), nor another id's key
    /// (every id with the prefix gets the same extra prefix, every other id none), and every id without the prefix
    /// keeps the key it always had, so events stored before this rule still deduplicate; migration 008 rewrote the
    /// stored keys of ids with the prefix. The provider name cannot hold ':', so providers never share keys.
    /// </para>
    /// </summary>
    public static string For(string provider, string? externalEventId, JsonElement normalizedPayload)
    {
        if (string.IsNullOrWhiteSpace(externalEventId))
        {
            return $"{provider}:{ContentHashNamespace}{Convert.ToHexStringLower(SHA256.HashData(CanonicalJson(normalizedPayload)))}";
        }
        return $"{provider}:{SuffixFor(externalEventId)}";
    }

    /// <summary>What follows <c>{provider}:</c> in the key of the event with this (non-blank) id.</summary>
    public static string SuffixFor(string externalEventId) =>
        externalEventId.StartsWith(ContentHashNamespace, StringComparison.Ordinal) ? ContentHashNamespace + externalEventId : externalEventId;

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
