using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Providers;

/// <summary>
/// What Relay knows about one provider's webhooks: how they prove who sent them and how they map to an event. An
/// integration holds one (a <see cref="ProviderPresets">preset</see>'s or its own); adding a provider needs no code.
/// </summary>
public sealed record ProviderProfile(VerificationSettings Verification, FieldMapping Fields)
{
    /// <summary>
    /// The stored and shown JSON: camelCase, parameters a scheme does not take left out. The same writer produces the
    /// columns and the management answers, so what an operator reads is what ingest runs.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string VerificationJson => JsonSerializer.Serialize(Verification, JsonOptions);

    public string FieldsJson => JsonSerializer.Serialize(Fields, JsonOptions);

    /// <summary>The same scheme, parameters and mapping (records holding lists compare lists by reference, so by their JSON).</summary>
    public bool SameAs(ProviderProfile other) => VerificationJson == other.VerificationJson && FieldsJson == other.FieldsJson;

    /// <summary>
    /// The profile stored in an integration's <c>verification</c> and <c>field_mapping</c> columns; null when either is
    /// missing (a row Relay did not write: ingest treats its provider as unknown) or is not a profile.
    /// </summary>
    public static ProviderProfile? FromColumns(string? verification, string? fieldMapping)
    {
        if (verification is null || fieldMapping is null)
        {
            return null;
        }
        try
        {
            var settings = JsonSerializer.Deserialize<VerificationSettings>(verification, JsonOptions);
            var fields = JsonSerializer.Deserialize<FieldMapping>(fieldMapping, JsonOptions);
            return settings?.Scheme is null || fields is null || fields.EventId is null || fields.EventType is null
                || fields.OccurredAt is null || fields.Subject is null || fields.Payload is null
                ? null
                : new ProviderProfile(settings, fields);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
