using System.Text.Json;

namespace Relay.Management.Api.Requests;

/// <summary>
/// Reads the fields of a JSON object one by one, collecting one message per bad field (its path → message), so every
/// malformed value answers the contract's 400 <c>VALIDATION_ERROR</c> naming it, where the framework's binder would
/// answer its own format. Like <see cref="Queries.QueryReader"/>, the fields a route reads are the ones it supports:
/// <see cref="RejectUnknown"/> refuses any other, so a misspelt field is never silently ignored; a field given twice is
/// refused too. A field given as null counts as not given, except where a route reads it with <see cref="TryGet"/>
/// (a PATCH, where null clears a setting). An empty body reads as <c>{}</c>: the route then says which fields it needs.
/// </summary>
public sealed class JsonFields
{
    public const string NotAnObject = "Request body must be a JSON object";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private readonly Dictionary<string, JsonElement> fields = new(StringComparer.Ordinal);
    private readonly List<string> supported = [];
    private readonly string prefix;

    private JsonFields(JsonElement element, string prefix, Dictionary<string, string> errors, bool refuseWholeOnBadName = false)
    {
        this.prefix = prefix;
        Errors = errors;
        foreach (var property in element.EnumerateObject())
        {
            if (NameOf(property) is not { } name)
            {
                if (refuseWholeOnBadName)
                {
                    Errors["body"] = "must not have a property name that is not Unicode text";
                    HasNameThatIsNotText = true;
                    return;
                }
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

    /// <summary>Set by <see cref="OfWholeBody"/> when a field name is not text, which refuses the body whole.</summary>
    private bool HasNameThatIsNotText { get; set; }

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

    /// <summary>
    /// The fields of <paramref name="document"/> (from <see cref="ParseObject"/>), or null, with the reason under
    /// <c>body</c> in <paramref name="errors"/>, when the body is refused whole: it is not a JSON object (null document),
    /// or one of its field names is not text. The integration routes have always answered that way, where the
    /// destination routes answer <see cref="NotAnObject"/> alone and report a bad name as one field error among others.
    /// </summary>
    public static JsonFields? OfWholeBody(JsonDocument? document, out IReadOnlyDictionary<string, string> errors)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        errors = found;
        if (document is null)
        {
            found["body"] = "must be a JSON object";
            return null;
        }
        var fields = new JsonFields(document.RootElement, "", found, refuseWholeOnBadName: true);
        return fields.HasNameThatIsNotText ? null : fields;
    }

    /// <summary>The fields of a nested object, reporting into the same errors under <c>name.</c>.</summary>
    public JsonFields Nested(string name, JsonElement element) => new(element, Path(name) + ".", Errors);

    public string Path(string name) => prefix + name;

    public void Fail(string name, string message) => Errors.TryAdd(Path(name), message);

    /// <summary>True when the body gives <paramref name="name"/> a value other than null; unlike a read, not marking it as supported.</summary>
    public bool Has(string name) => fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The value of <paramref name="name"/> (JSON null included) if the body has it; marks the field as supported.</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        if (!supported.Contains(name, StringComparer.Ordinal))
        {
            supported.Add(name);
        }
        return fields.TryGetValue(name, out value);
    }

    /// <summary>Fails every field no read asked for, naming the fields read. Call it once every field has been read.</summary>
    public void RejectUnknown()
    {
        foreach (var name in fields.Keys.Where(name => !supported.Contains(name, StringComparer.Ordinal)))
        {
            Fail(name, supported.Count == 0
                ? "is not a supported field; this route takes none"
                : $"is not a supported field; supported: {string.Join(", ", supported)}");
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

    /// <summary>An optional integer field within [min, max]: absent or null is null.</summary>
    public int? Integer(string name, int min, int max) => Value(name) is { } value ? Integer(name, value, min, max) : null;

    /// <summary>An optional boolean field: absent or null is null.</summary>
    public bool? Boolean(string name)
    {
        switch (Value(name)?.ValueKind)
        {
            case null:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                Fail(name, "must be true or false");
                return null;
        }
    }

    /// <summary>A text field, trimmed before its length is checked: absent or null is null (an error if <paramref name="required"/>).</summary>
    public string? Text(string name, int minLength, int maxLength, bool required = false)
    {
        var text = Text(name, required)?.Trim();
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

    /// <summary>
    /// A secret, taken exactly as given: printable ASCII (what an HTTP header can carry, where some providers send
    /// it), without spaces at either end (header values lose them on the way). Messages never quote the value.
    /// </summary>
    public string? Secret(string name, int minLength, int maxLength, bool required = false)
    {
        var secret = Text(name, required);
        if (secret is null)
        {
            return null;
        }
        if (secret.Length < minLength || secret.Length > maxLength)
        {
            Fail(name, $"must be {minLength}-{maxLength} characters");
            return null;
        }
        if (!secret.All(c => c is >= ' ' and <= '~') || secret[0] == ' ' || secret[^1] == ' ')
        {
            Fail(name, "must be printable ASCII without spaces at either end");
            return null;
        }
        return secret;
    }

    /// <summary>The field's value, or null when absent or null; marks the field as supported.</summary>
    private JsonElement? Value(string name) =>
        TryGet(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>The field's text as given (untrimmed), or null when absent, null or not text.</summary>
    private string? Text(string name, bool required)
    {
        if (Value(name) is not { } value)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        return String(name, value);
    }
}
