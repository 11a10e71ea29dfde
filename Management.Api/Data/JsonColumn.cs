namespace Relay.Management.Api.Data;

public static class JsonColumn
{
    /// <summary>
    /// Deep enough for any stored payload (ingest accepts 64 levels) plus the envelope around it; the HTTP
    /// serializer is configured with the same limit.
    /// </summary>
    public const int MaxDepth = 128;

    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web) { MaxDepth = MaxDepth };

    /// <summary>A jsonb column read as text, embedded in the response as JSON rather than as a string.</summary>
    public static System.Text.Json.JsonElement Parse(string text) => System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(text, Options);
}
