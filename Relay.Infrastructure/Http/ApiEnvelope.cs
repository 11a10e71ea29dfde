using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Http;

/// <summary>The contract's success envelope: <c>{"success": true, "data": ..., "meta": ...}</c>, <c>meta</c> only on lists.</summary>
public sealed record ApiEnvelope<T>(T Data, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PageMeta? Meta = null)
{
    public bool Success => true;
}
