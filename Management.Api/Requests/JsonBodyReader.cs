using System.Text.Json;

namespace Relay.Management.Api.Requests;

/// <summary>
/// Reads a JSON object body field by field and validates each value itself, collecting one message per bad field,
/// so every malformed body answers the contract's 400 <c>VALIDATION_ERROR</c> naming the field (the framework's
/// binder would answer its own format, or a 500). A field given as null counts as not given. The fields a route
/// reads are the ones it supports: <see cref="RejectUnknown"/> refuses any other, so a misspelt field is an error
/// rather than silently ignored; a field given twice is refused too.
/// </summary>
public sealed class JsonBodyReader
{
    public const string NotAnObject = "Request body must be a JSON object";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private readonly Dictionary<string, JsonElement> fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);
    private readonly List<string> supported = [];

    private JsonBodyReader()
    {
    }

    public IReadOnlyDictionary<string, string> Errors => errors;

    public bool IsValid => errors.Count == 0;

    /// <summary>The number of fields the body holds (null ones included).</summary>
    public int FieldCount => fields.Count;

    /// <summary>
    /// The reader of <paramref name="body"/>, or null (with <paramref name="errors"/>) when it is not a JSON object.
    /// An empty body reads as <c>{}</c>: the route then says which fields it needs.
    /// </summary>
    public static JsonBodyReader? Read(ReadOnlyMemory<byte> body, out IReadOnlyDictionary<string, string> errors)
    {
        var reader = new JsonBodyReader();
        errors = reader.errors;
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return reader;
        }
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                reader.errors["body"] = "must be a JSON object";
                return null;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!reader.fields.TryAdd(property.Name, property.Value.Clone()))
                {
                    reader.errors.TryAdd(property.Name, "must be given at most once");
                }
            }
        }
        catch (JsonException)
        {
            reader.errors["body"] = "must be a JSON object";
            return null;
        }
        catch (InvalidOperationException)
        {
            // A property name with an unpaired surrogate escape ("\ud800"): System.Text.Json cannot turn it into text.
            reader.errors["body"] = "must not have a property name that is not Unicode text";
            return null;
        }
        return reader;
    }

    public void Fail(string name, string message) => errors.TryAdd(name, message);

    /// <summary>True when the body gives <paramref name="name"/> a value other than null.</summary>
    public bool Has(string name) => fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Fails every field of the body that no read asked for, naming the fields the route supports.</summary>
    public void RejectUnknown()
    {
        foreach (var name in fields.Keys.Where(name => !supported.Contains(name, StringComparer.Ordinal)))
        {
            Fail(name, supported.Count == 0
                ? "is not a supported field; this route takes none"
                : $"is not a supported field; supported: {string.Join(", ", supported)}");
        }
    }

    /// <summary>Text, trimmed before its length is checked.</summary>
    public string? Text(string name, int minLength, int maxLength, bool required = false)
    {
        var value = String(name, required)?.Trim();
        if (value is null)
        {
            return null;
        }
        if (value.Length < minLength || value.Length > maxLength)
        {
            Fail(name, $"must be {minLength}-{maxLength} characters");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A secret, taken exactly as given: printable ASCII (what an HTTP header can carry, where some providers send
    /// it), without spaces at either end (header values lose them on the way). Messages never quote the value.
    /// </summary>
    public string? Secret(string name, int minLength, int maxLength, bool required = false)
    {
        var value = String(name, required);
        if (value is null)
        {
            return null;
        }
        if (value.Length < minLength || value.Length > maxLength)
        {
            Fail(name, $"must be {minLength}-{maxLength} characters");
            return null;
        }
        if (!value.All(c => c is >= ' ' and <= '~') || value[0] == ' ' || value[^1] == ' ')
        {
            Fail(name, "must be printable ASCII without spaces at either end");
            return null;
        }
        return value;
    }

    public bool? Boolean(string name)
    {
        var value = Field(name);
        switch (value?.ValueKind)
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

    public int? Integer(string name, int min, int max)
    {
        var value = Field(name);
        if (value is null)
        {
            return null;
        }
        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out var number) || number < min || number > max)
        {
            Fail(name, $"must be an integer between {min} and {max}");
            return null;
        }
        return number;
    }

    private string? String(string name, bool required)
    {
        var value = Field(name);
        if (value is null)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        if (value.Value.ValueKind != JsonValueKind.String)
        {
            Fail(name, "must be a string");
            return null;
        }
        string text;
        try
        {
            text = value.Value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800"): valid JSON, but not text PostgreSQL could store.
            Fail(name, "must be valid Unicode text");
            return null;
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
            Fail(name, "must not contain NUL characters");
            return null;
        }
        return text;
    }

    /// <summary>The field's value, or null when absent or null; marks the field as supported.</summary>
    private JsonElement? Field(string name)
    {
        if (!supported.Contains(name, StringComparer.Ordinal))
        {
            supported.Add(name);
        }
        return fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }
}
