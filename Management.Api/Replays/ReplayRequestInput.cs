using System.Text.Json;

namespace Relay.Management.Api.Replays;

/// <summary>
/// The body of <c>POST /events/{id}/replay</c>: <c>requestedBy</c> (2-120 characters, default "api-user") and
/// <c>reason</c> (5-500 characters). Values are trimmed before their length is checked.
/// </summary>
public sealed record ReplayRequestInput(string RequestedBy, string Reason)
{
    public const string DefaultRequestedBy = "api-user";
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static ReplayRequestParse Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            // An empty body is an empty object: the caller then learns that reason is required.
            document = body.IsEmpty || body.Span.Trim(" \t\r\n"u8).IsEmpty
                ? JsonDocument.Parse("{}")
                : JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return ReplayRequestParse.Invalid("Request body must be a JSON object");
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ReplayRequestParse.Invalid("Request body must be a JSON object");
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var requestedBy = ReadText(root, "requestedBy", 2, 120, required: false, errors) ?? DefaultRequestedBy;
        var reason = ReadText(root, "reason", 5, 500, required: true, errors);
        return errors.Count > 0 || reason is null
            ? ReplayRequestParse.Invalid("Invalid replay request", errors)
            : new ReplayRequestParse(new ReplayRequestInput(requestedBy, reason), null, null);
    }

    private static string? ReadText(JsonElement root, string name, int minLength, int maxLength, bool required, Dictionary<string, string> errors)
    {
        if (!root.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[name] = "is required";
            }
            return null;
        }
        if (property.ValueKind != JsonValueKind.String)
        {
            errors[name] = "must be a string";
            return null;
        }
        string value;
        try
        {
            value = property.GetString()!.Trim();
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800"): valid JSON, but not text PostgreSQL could store.
            errors[name] = "must be valid Unicode text";
            return null;
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text and jsonb cannot hold NUL; refuse it here rather than fail in the database.
            errors[name] = "must not contain NUL characters";
            return null;
        }
        if (value.Length < minLength || value.Length > maxLength)
        {
            errors[name] = $"must be {minLength}-{maxLength} characters";
            return null;
        }
        return value;
    }
}
