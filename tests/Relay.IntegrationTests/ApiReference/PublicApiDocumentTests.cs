using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.ApiReference;

/// <summary>
/// The public OpenAPI document through the gateway against the routes that exist: it holds every operation the
/// upstream services describe (each service's own document is generated from its endpoints and checked against them
/// by the unit tests), nothing else but the gateway's health route, and every operation in it reaches a real handler
/// through the gateway. The interactive reference page is served with its script, without a CDN.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class PublicApiDocumentTests(RelayCluster cluster)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_document_lists_every_route_the_services_describe_and_nothing_else()
    {
        var published = Operations(await PublicDocument());

        var described = new SortedSet<string>(StringComparer.Ordinal) { "GET /api/v1/health" };
        foreach (var service in new[] { "Ingress.Api", "Management.Api" })
        {
            using var client = new HttpClient { BaseAddress = cluster.Service(service).BaseAddress };
            var own = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
            // The development sink is not public: the gateway hides /api/v1/internal in Production.
            described.UnionWith(Operations(own).Where(operation => !operation.Contains("/api/v1/internal/", StringComparison.Ordinal)));
        }

        Assert.Contains("POST /api/v1/webhooks/{provider}", published);
        Assert.Contains("GET /api/v1/events/{id}", published);
        Assert.Equal(described, published);
    }

    [Fact]
    public async Task Every_operation_in_the_document_reaches_its_handler_through_the_gateway()
    {
        var document = await PublicDocument();
        using var client = cluster.CreateClient(withManagementKey: true);
        var unreached = new List<string>();
        foreach (var operation in Operations(document))
        {
            var (method, path) = (operation[..operation.IndexOf(' ')], operation[(operation.IndexOf(' ') + 1)..]);
            // Ids that exist nowhere, and an empty JSON body: nothing is created or changed.
            var url = path.Replace("{provider}", "no-such-provider").Replace("{integrationId}", Guid.Empty.ToString());
            url = System.Text.RegularExpressions.Regex.Replace(url, "{[^}]+}", Guid.Empty.ToString());
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }
            // Headers only first: the event stream answers 200 and then never ends.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
            if (response.StatusCode is HttpStatusCode.MethodNotAllowed || (int)response.StatusCode >= 500
                || body.Contains("Route not found", StringComparison.Ordinal))
            {
                unreached.Add($"{operation}: {(int)response.StatusCode} {body}");
            }
        }
        Assert.Empty(unreached);
    }

    [Fact]
    public async Task Management_and_publish_operations_state_the_key_and_webhooks_do_not()
    {
        var document = await PublicDocument();

        Assert.Equal("x-internal-api-key", document["components"]!["securitySchemes"]!["managementKey"]!["name"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/v1/events/{id}"]!["get"]!["security"]);
        Assert.Null(document["paths"]!["/api/v1/webhooks/{provider}"]!["post"]!["security"]);
        // Publishing goes to Ingress, whose other route needs no key.
        Assert.Equal(2, document["paths"]!["/api/v1/events"]!["post"]!["security"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_reference_page_and_its_script_are_served_by_the_gateway()
    {
        using var client = cluster.CreateClient();
        using var page = await client.GetAsync("/docs");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // Relative to the page's base path (Scalar resolves it in the browser): /openapi/v1.json at the gateway's root.
        Assert.True(html.Contains("\"url\":\"openapi/v1.json\"", StringComparison.Ordinal), html);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]*scalar\\.js)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script), html);
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);

        using var scriptResponse = await client.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script));
        Assert.Equal(HttpStatusCode.OK, scriptResponse.StatusCode);
        Assert.True((await scriptResponse.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    private async Task<JsonObject> PublicDocument()
    {
        using var client = cluster.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        return document;
    }

    private static SortedSet<string> Operations(JsonObject document) =>
        new(document["paths"]!.AsObject()
                .SelectMany(path => Methods.Where(method => path.Value![method] is not null).Select(method => $"{method.ToUpperInvariant()} {path.Key}")),
            StringComparer.Ordinal);
}
