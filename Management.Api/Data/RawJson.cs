using System.Text.Json.Serialization;

namespace Relay.Management.Api.Data;

/// <summary>
/// JSON text answered exactly as it was received: embedded in the response as a JSON value, byte for byte (its key
/// order, whitespace, escapes and number forms), where a <see cref="System.Text.Json.JsonElement"/> would be
/// re-serialized.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Text);
