using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Relay.Client;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Client;

/// <summary>
/// Relay.Client against the gateway's OpenAPI document, so the client cannot drift from the API: the operations the
/// document lists are the ones the client's methods name (<see cref="RelayOperationAttribute"/>), and every field a
/// success response's schema names is a property of the client's model, nested objects included. A route or a field
/// added to the API fails here until the client has it.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ClientDriftTests(RelayCluster cluster)
{
    /// <summary>Operations the client leaves out on purpose, with why.</summary>
    private static readonly Dictionary<string, string> NotInClient = new()
    {
        // Providers call it, signed with their own scheme and the integration's secret; an operator's key plays no part.
        ["POST /api/v1/webhooks/{provider}"] = "provider intake",
    };

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_client_calls_every_operation_of_the_document_and_no_other()
    {
        var document = await DocumentAsync();
        var documented = Operations(document).Where(operation => !operation.Contains(" /api/v1/internal/", StringComparison.Ordinal)).ToHashSet();
        var declared = ClientMethods().Select(method => Key(method.Operation)).ToHashSet();

        Assert.Empty(documented.Except(declared).Except(NotInClient.Keys).Order().Select(operation => $"not in the client: {operation}"));
        Assert.Empty(declared.Except(documented).Order().Select(operation => $"not in the document: {operation}"));
        Assert.Empty(NotInClient.Keys.Where(declared.Contains).Select(operation => $"excluded but declared: {operation}"));
    }

    [Fact]
    public async Task Every_field_of_a_success_response_is_a_property_of_the_clients_model()
    {
        var document = await DocumentAsync();
        var missing = new List<string>();
        var checkedOperations = 0;
        foreach (var (method, operation) in ClientMethods())
        {
            var responses = document["paths"]?[operation.Path]?[operation.Method.ToLowerInvariant()]?["responses"]?.AsObject();
            if (responses is null)
            {
                continue;
            }
            var success = responses.Where(response => response.Key.StartsWith('2') && response.Value?["content"]?["application/json"]?["schema"] is not null).ToList();
            var chosen = operation.Status == 0 ? success : success.Where(response => response.Key == operation.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(chosen.Count <= 1 || operation.Status != 0, $"{Key(operation)} has several success schemas: name the status in {method.Name}'s RelayOperation");
            if (chosen.Count == 0 || ModelOf(method.ReturnType) is not { } model)
            {
                continue;
            }
            var data = Resolve(document, Resolve(document, chosen[0].Value!["content"]!["application/json"]!["schema"]!)?["properties"]?["data"]);
            if (data is null)
            {
                continue;
            }
            checkedOperations++;
            Compare(document, data, model, $"{method.DeclaringType!.Name}.{method.Name} {model.Name}", missing, depth: 0);
        }

        Assert.True(checkedOperations >= 30, $"{checkedOperations} operations checked");
        Assert.Empty(missing.Distinct());
    }

    private static void Compare(JsonObject document, JsonObject schema, Type model, string path, List<string> missing, int depth)
    {
        if (schema["items"] is { } items && Resolve(document, items) is { } item)
        {
            schema = item;
        }
        if (schema["properties"] is not JsonObject properties || depth > 6)
        {
            return;
        }
        var clientProperties = model.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(property => property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy(property.Name));
        foreach (var (name, value) in properties)
        {
            if (!clientProperties.TryGetValue(name, out var property))
            {
                missing.Add($"{path}: no property for '{name}'");
                continue;
            }
            if (ModelOf(property.PropertyType) is { } nested && Resolve(document, value) is { } nestedSchema)
            {
                Compare(document, nestedSchema, nested, $"{path}.{property.Name}", missing, depth + 1);
            }
        }
    }

    /// <summary>The client's own model type in <paramref name="type"/> (through Task, Page, lists, nullables), or null for JSON values and scalars.</summary>
    private static Type? ModelOf(Type type)
    {
        while (true)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                type = underlying;
            }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
                     && (definition == typeof(Task<>) || definition == typeof(Page<>) || definition == typeof(IAsyncEnumerable<>) || definition == typeof(IReadOnlyList<>)))
            {
                type = type.GetGenericArguments()[0];
            }
            else
            {
                return type.Namespace == typeof(RelayClient).Namespace && type.IsClass ? type : null;
            }
        }
    }

    /// <summary>The schema a node stands for: through <c>$ref</c>, and the non-null branch of a nullable <c>oneOf</c>/<c>anyOf</c>.</summary>
    private static JsonObject? Resolve(JsonObject document, JsonNode? node)
    {
        for (var hops = 0; node is JsonObject schema && hops < 10; hops++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                node = document["components"]!["schemas"]![reference["#/components/schemas/".Length..]];
            }
            else if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray branches)
            {
                node = branches.FirstOrDefault(branch => branch?["type"]?.ToString() != "null");
            }
            else
            {
                return schema;
            }
        }
        return null;
    }

    private static string JsonNamingPolicy(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static List<(MethodInfo Method, RelayOperationAttribute Operation)> ClientMethods() =>
        typeof(RelayClient).GetProperties()
            .SelectMany(group => group.PropertyType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (method, method.GetCustomAttribute<RelayOperationAttribute>()!))
            .Where(pair => pair.Item2 is not null)
            .ToList();

    private static string Key(RelayOperationAttribute operation) => $"{operation.Method} {operation.Path}";

    private static IEnumerable<string> Operations(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(path => Methods.Where(method => path.Value![method] is not null).Select(method => $"{method.ToUpperInvariant()} {path.Key}"));

    private async Task<JsonObject> DocumentAsync()
    {
        using var client = cluster.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
    }
}
