using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Http;

public sealed record ApiErrorBody(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Details);
