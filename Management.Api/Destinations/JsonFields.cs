using System.Text.Json;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// Reads the fields of a JSON object one by one, collecting one message per bad field (its path → message), so every
/// malformed value answers the contract's 400 <c>VALIDATION_ERROR</c> naming it, where the framework's binder would
/// answer its own format. Like <see cref="Queries.QueryReader"/>, the fields a route reads are the ones it supports:
/// <see cref="RejectUnknown"/> refuses any other, so a misspelt field is never silently ignored.
/// </summary>
public sealed class JsonFields
{
    public const string NotAnObject = "Request body must be a JSON object";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private readonly Dictionary<string, JsonElement> fields = new(StringComparer.Ordinal);
    private readonly List<string> supported = [];
    private readonly string prefix;

    private JsonFields(JsonElement element, string prefix, Dictionary<string, string> errors)
    {
        this.prefix = prefix;
        Errors = errors;
        foreach (var property in element.EnumerateObject())
        {
            if (NameOf(property) is not { } name)
            {
                Errors.TryAdd(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "has a field name that is not valid Unicode text");
                continue;
            }
            // JSON allows a repeated name; which value would win is nobody's intent.
            if (!fields.TryAdd(name, property.Value))
            {
                Fail(name, "must be given at most once");
            }
        }
    }

    /// <summary>The property's name, or null when it is not text (a lone surrogate escape, on which reading it throws).</summary>
    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public Dictionary<string, string> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>The body as a JSON document (an empty body is an empty object), or null when it is not a JSON object.</summary>
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = body.Span.Trim(" \t\r\n"u8).IsEmpty ? JsonDocument.Parse("{}") : JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }
        return document;
    }

    public static JsonFields Of(JsonDocument document) => new(document.RootElement, "", new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The fields of a nested object, reporting into the same errors under <c>name.</c>.</summary>
    public JsonFields Nested(string name, JsonElement element) => new(element, Path(name) + ".", Errors);

    public string Path(string name) => prefix + name;

    public void Fail(string name, string message) => Errors.TryAdd(Path(name), message);

    /// <summary>The value of <paramref name="name"/> (JSON null included) if the body has it.</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        if (!supported.Contains(name, StringComparer.Ordinal))
        {
            supported.Add(name);
        }
        return fields.TryGetValue(name, out value);
    }

    /// <summary>Fails every field no read asked for. Call it once every field has been read.</summary>
    public void RejectUnknown()
    {
        foreach (var name in fields.Keys.Where(name => !supported.Contains(name, StringComparer.Ordinal)))
        {
            Fail(name, $"is not a supported field; supported: {string.Join(", ", supported)}");
        }
    }

    /// <summary>A string (null when it is not one, or is text PostgreSQL cannot store, with the reason recorded).</summary>
    public string? String(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, "must be a string");
            return null;
        }
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800"): valid JSON, but not text PostgreSQL could store.
            Fail(name, "must be valid Unicode text");
            return null;
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text and jsonb cannot hold NUL; refuse it here rather than fail in the database.
            Fail(name, "must not contain NUL characters");
            return null;
        }
        return text;
    }

    /// <summary>A whole number within [min, max] (1.0, "1" and 1e3 are refused).</summary>
    public int? Integer(string name, JsonElement value, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            Fail(name, $"must be an integer between {min} and {max}");
            return null;
        }
        return number;
    }

    /// <summary>An optional text field, trimmed before its length is checked: absent or null is null.</summary>
    public string? Text(string name, int minLength, int maxLength)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = String(name, value)?.Trim();
        if (text is null)
        {
            return null;
        }
        if (text.Length < minLength || text.Length > maxLength)
        {
            Fail(name, $"must be {minLength}-{maxLength} characters");
            return null;
        }
        return text;
    }
}
