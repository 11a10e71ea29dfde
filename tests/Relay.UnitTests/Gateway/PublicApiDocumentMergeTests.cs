using System.Text.Json.Nodes;
using Relay.Gateway.ApiReference;
using Yarp.ReverseProxy.Configuration;

namespace Relay.UnitTests.Gateway;

public sealed class PublicApiDocumentMergeTests
{
    private static readonly RouteConfig[] Routes =
    [
        new() { RouteId = "webhooks", ClusterId = "ingress", Order = 1, Match = new RouteMatch { Path = "/api/v1/webhooks/{**rest}" } },
        new() { RouteId = "publish", ClusterId = "ingress", Order = 1, Match = new RouteMatch { Path = "/api/v1/events", Methods = ["POST"] } },
        new() { RouteId = "sink", ClusterId = "ingress", Order = 1, Match = new RouteMatch { Path = "/api/v1/internal/delivery-sink/{**rest}" } },
        new() { RouteId = "management", ClusterId = "management", Order = 100, Match = new RouteMatch { Path = "/api/v1/{**rest}" } },
    ];

    [Theory]
    [InlineData("POST", "/api/v1/webhooks/{provider}", "ingress")]
    [InlineData("POST", "/API/V1/Webhooks/{provider}", "ingress")]
    [InlineData("POST", "/api/v1/events", "ingress")]
    [InlineData("GET", "/api/v1/events", "management")]
    [InlineData("GET", "/api/v1/events/{id}", "management")]
    [InlineData("POST", "/api/v1/internal/delivery-sink/{provider}", null)]
    [InlineData("GET", "/openapi/v1.json", null)]
    public void The_route_table_picks_the_cluster_the_proxy_would(string method, string path, string? cluster) =>
        Assert.Equal(cluster, GatewayRouteTable.ClusterFor(Routes, method, path));

    [Theory]
    [InlineData("/api/v1/{**rest}", "/api/v1", true)]
    [InlineData("/api/v1/destinations/{id}", "/api/v1/destinations/{destinationId}", true)]
    [InlineData("/api/v1/destinations/{id}", "/api/v1/destinations/{id}/pause", false)]
    [InlineData("/api/v1/events", "/api/v1/events/{id}", false)]
    [InlineData("/api/v2/{**rest}", "/api/v1/events", false)]
    public void Templates_match_as_routing_does(string template, string path, bool matches) =>
        Assert.Equal(matches, GatewayRouteTable.Matches(template, path));

    [Fact]
    public void The_merge_keeps_only_published_operations_and_moves_security_onto_them()
    {
        var management = Document("""
            {"openapi":"3.1.1","security":[{"managementKey":[]}],
             "paths":{"/api/v1/events":{"get":{"operationId":"ListEvents"},"post":{"operationId":"Shadowed"}}},
             "components":{"securitySchemes":{"managementKey":{"type":"apiKey","in":"header","name":"x-internal-api-key"}}},
             "tags":[{"name":"Events"}]}
            """);
        var ingress = Document("""
            {"openapi":"3.1.1","paths":{"/api/v1/events":{"post":{"operationId":"PublishEvent"}},
                                        "/api/v1/webhooks/{provider}":{"parameters":[{"name":"provider","in":"path"}],"post":{"operationId":"ReceiveWebhook"}}},
             "tags":[{"name":"Events"},{"name":"Webhooks"}]}
            """);

        var merged = OpenApiDocumentMerger.Merge(new JsonObject { ["title"] = "Relay" },
            [Service("management", management), Service("ingress", ingress)]);

        Assert.Equal("ListEvents", merged["paths"]!["/api/v1/events"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("PublishEvent", merged["paths"]!["/api/v1/events"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(merged["paths"]!["/api/v1/events"]!["get"]!["security"]);
        Assert.Null(merged["paths"]!["/api/v1/events"]!["post"]!["security"]);
        Assert.Null(merged["security"]);
        Assert.NotNull(merged["paths"]!["/api/v1/webhooks/{provider}"]!["parameters"]);
        Assert.Equal(["Events", "Webhooks"], merged["tags"]!.AsArray().Select(tag => tag!["name"]!.GetValue<string>()));
        Assert.Equal("Relay", merged["info"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public void A_component_two_services_define_differently_is_renamed_with_its_references()
    {
        var first = Document("""{"paths":{"/api/v1/a":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Page"}}}}}}}},"components":{"schemas":{"Page":{"type":"object","required":["items"]},"Same":{"type":"string"}}}}""");
        var second = Document("""{"paths":{"/api/v1/webhooks/b":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Page"}}}}}}}},"components":{"schemas":{"Page":{"type":"object","required":["data"]},"Same":{"type":"string"}}}}""");

        var merged = OpenApiDocumentMerger.Merge(new JsonObject(), [Service("management", first), Service("ingress", second)]);

        var schemas = merged["components"]!["schemas"]!.AsObject();
        Assert.Equal(["Page", "Same", "ingressPage"], schemas.Select(schema => schema.Key).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/ingressPage",
            merged["paths"]!["/api/v1/webhooks/b"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Page",
            merged["paths"]!["/api/v1/a"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    private static JsonObject Document(string json) => JsonNode.Parse(json)!.AsObject();

    private static ServiceDocument Service(string cluster, JsonObject document) =>
        new(cluster, document, (method, path) => GatewayRouteTable.ClusterFor(Routes, method, path) == cluster);
}
