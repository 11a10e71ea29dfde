using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Management.Api.Data;

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    // Validated as it is written (ingest accepted it as JSON, older rows are jsonb's text), so a response is never broken JSON.
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) => writer.WriteRawValue(value.Text);
}
