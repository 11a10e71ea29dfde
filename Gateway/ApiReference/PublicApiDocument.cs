using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Infrastructure.Http.OpenApi;
using Yarp.ReverseProxy;

namespace Relay.Gateway.ApiReference;

/// <summary>
/// The public OpenAPI document: each upstream service's own document (generated from its endpoints), reduced to the
/// operations the gateway routes to it and merged, plus the gateway's own health route. Rebuilt at most every
/// <see cref="FreshFor"/>, so a deployment that adds a route shows it within that; while an upstream cannot be
/// reached the last document built is served, and before the first one a 503 in the envelope.
/// </summary>
public sealed class PublicApiDocument(IProxyStateLookup proxy, IHttpClientFactory httpClients, TimeProvider time, ILogger<PublicApiDocument> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);
    public const string HttpClientName = "openapi-upstream";

    private readonly SemaphoreSlim building = new(1, 1);
    private volatile Snapshot? latest;

    private sealed record Snapshot(string Json, DateTimeOffset BuiltAt);

    /// <summary>The document as JSON text, or null when it has never been built and cannot be now.</summary>
    public async Task<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (latest is { } fresh && time.GetUtcNow() - fresh.BuiltAt < FreshFor)
        {
            return fresh.Json;
        }
        await building.WaitAsync(cancellationToken);
        try
        {
            if (latest is { } built && time.GetUtcNow() - built.BuiltAt < FreshFor)
            {
                return built.Json;
            }
            var document = await BuildAsync(cancellationToken);
            latest = new Snapshot(document.ToJsonString(), time.GetUtcNow());
            return latest.Json;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException
                                          && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The public API document could not be rebuilt ({Reason}); {Served}", exception.Message,
                latest is null ? "none is served yet" : "the last one built is served");
            return latest?.Json;
        }
        finally
        {
            building.Release();
        }
    }

    private async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var routes = proxy.GetRoutes().Select(route => route.Config).ToList();
        var client = httpClients.CreateClient(HttpClientName);
        var services = new List<ServiceDocument>();
        foreach (var cluster in proxy.GetClusters().OrderBy(cluster => cluster.ClusterId, StringComparer.Ordinal))
        {
            if (!routes.Any(route => route.ClusterId == cluster.ClusterId))
            {
                continue;
            }
            var address = cluster.Destinations.Values.Select(destination => destination.Model.Config.Address).FirstOrDefault()
                ?? throw new InvalidOperationException($"cluster {cluster.ClusterId} has no destination");
            var document = await client.GetFromJsonAsync<JsonObject>(new Uri(new Uri(address), ServiceOpenApiExtensions.DocumentPath), cancellationToken)
                ?? throw new InvalidOperationException($"cluster {cluster.ClusterId} answered an empty document");
            var clusterId = cluster.ClusterId;
            services.Add(new ServiceDocument(clusterId, document, (method, path) => GatewayRouteTable.ClusterFor(routes, method, path) == clusterId));
        }
        return OpenApiDocumentMerger.Merge(Info, services, GatewayPaths);
    }

    private static JsonObject Info => new()
    {
        ["title"] = "Relay",
        ["version"] = ServiceOpenApiExtensions.DocumentName,
        ["description"] = "Webhook ingest and management through the gateway. Answers use the envelope "
            + "{\"success\":true,\"data\":…} or {\"success\":false,\"error\":{\"code\",\"message\"}}; every answer carries X-Request-Id.",
    };

    /// <summary>The gateway answers these itself.</summary>
    private static JsonObject GatewayPaths => new()
    {
        ["/api/v1/health"] = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["tags"] = new JsonArray("Health"),
                ["summary"] = "The dependencies' health, without detail: 200 when all are healthy, else 503",
                ["operationId"] = "GetHealth",
                ["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "Healthy" },
                    ["503"] = new JsonObject { ["description"] = "A dependency is degraded or unhealthy" },
                },
            },
        },
    };
}
