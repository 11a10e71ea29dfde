using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>400 <c>VALIDATION_ERROR</c>: the request was refused as it is; <see cref="Errors"/> says what is wrong with which field.</summary>
public sealed class RelayValidationException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
    : RelayApiException(statusCode, code, message, details, requestId, retryAfter)
{
    /// <summary>The problem with each field (or query parameter, or header) by its name; empty when the details name none.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; } = FieldErrorsOf(details);

    private static Dictionary<string, string> FieldErrorsOf(JsonElement? details)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (details is { ValueKind: JsonValueKind.Object } fields)
        {
            foreach (var field in fields.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            }
        }
        return errors;
    }
}
