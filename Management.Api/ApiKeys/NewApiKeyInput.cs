using System.Text.Json;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.Integrations;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.ApiKeys;

/// <summary>The body of <c>POST /api-keys</c>: <c>name</c> (1-200 characters), <c>scopes</c> (one or more of read, write, replay, admin), <c>requestedBy</c>.</summary>
public sealed record NewApiKeyInput(string Name, string[] Scopes, string? RequestedBy)
{
    public const int MaxNameLength = 200;

    public static BodyResult<NewApiKeyInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<NewApiKeyInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var name = fields.Text("name", 1, MaxNameLength, required: true);
        var scopes = ReadScopes(fields);
        var requestedBy = IntegrationFields.RequestedBy(fields);
        return BodyResult<NewApiKeyInput>.From(fields, "Invalid API key", () => new NewApiKeyInput(name!, scopes!, requestedBy));
    }

    /// <summary>A non-empty array of known scopes, each once, kept in the canonical order.</summary>
    private static string[]? ReadScopes(JsonFields fields)
    {
        var allowed = $"must be a non-empty array of scopes: {string.Join(", ", ApiKeyScopes.All)}";
        if (!fields.TryGet("scopes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            fields.Fail("scopes", "is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            fields.Fail("scopes", allowed);
            return null;
        }
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || fields.String("scopes", item) is not { } scope || !ApiKeyScopes.IsKnown(scope))
            {
                fields.Fail("scopes", allowed);
                return null;
            }
            if (!scopes.Add(scope))
            {
                fields.Fail("scopes", $"must name each scope once ('{scope}' is repeated)");
                return null;
            }
        }
        return ApiKeyScopes.All.Where(scopes.Contains).ToArray();
    }
}
