using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Infrastructure.Http.OpenApi;
using Relay.Ingress.Api.Extensions;
using Relay.Management.Api.Extensions;
using Relay.Management.Api.Queries;

namespace Relay.UnitTests.OpenApi;

/// <summary>
/// Each service's OpenAPI document against the endpoints the service really maps: built in process exactly as its
/// Program.cs builds it (not started, so nothing connects), every route endpoint must be described with its
/// methods, and nothing described that is not mapped. The gateway's merged document is checked through the gateway
/// by the integration tests.
/// </summary>
public sealed class ServiceDocumentTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["ConnectionStrings:relaydb"] = "Host=127.0.0.1;Port=1;Username=relay;Password=unused;Database=relaydb",
        ["ConnectionStrings:redis"] = "127.0.0.1:1",
        ["ConnectionStrings:rabbitmq"] = "amqp://relay:unused@127.0.0.1:1/",
        ["Relay:ManagementApiKey"] = "unit-test-management-key-0123456789",
    };

    [Fact]
    public async Task The_management_document_describes_every_management_route()
    {
        await using var app = Build(builder => builder.AddManagementServices(), app => app.MapManagementApi());
        await AssertDocumentMatchesEndpoints(app);
    }

    [Fact]
    public async Task The_ingest_document_describes_every_ingest_route()
    {
        await using var app = Build(builder => builder.AddIngressServices(), app => app.MapIngressApi());
        await AssertDocumentMatchesEndpoints(app);
    }

    [Fact]
    public async Task Management_routes_require_the_management_key_in_the_document()
    {
        await using var app = Build(builder => builder.AddManagementServices(), app => app.MapManagementApi());
        var document = await DocumentOf(app);

        var scheme = document.Components!.SecuritySchemes![ServiceOpenApiExtensions.ManagementKeyScheme];
        Assert.Equal(ServiceOpenApiExtensions.ManagementKeyHeader, scheme.Name);
        Assert.Equal(2, document.Security!.Count);
    }

    [Fact]
    public async Task List_routes_document_the_query_parameters_their_parser_reads()
    {
        await using var app = Build(builder => builder.AddManagementServices(), app => app.MapManagementApi());
        var document = await DocumentOf(app);

        var operation = document.Paths["/api/v1/events"].Operations![HttpMethod.Get];
        var documented = operation.Parameters!.Where(parameter => parameter.In == Microsoft.OpenApi.ParameterLocation.Query).Select(parameter => parameter.Name);

        Assert.Equal(EventListQuery.Parse(QueryCollection.Empty).Parameters.Order(), documented.Order());
        Assert.Contains("status", documented);
        Assert.Contains("sortBy", documented);
    }

    [Fact]
    public async Task The_activity_route_documents_its_parameters_and_the_shape_of_its_answer()
    {
        await using var app = Build(builder => builder.AddManagementServices(), app => app.MapManagementApi());
        var document = await DocumentOf(app);

        var operation = document.Paths["/api/v1/stats/activity"].Operations![HttpMethod.Get];
        var documented = operation.Parameters!.Where(parameter => parameter.In == Microsoft.OpenApi.ParameterLocation.Query).Select(parameter => parameter.Name);
        Assert.Equal(["integrationId", "minutes"], documented.Order(StringComparer.Ordinal));
        Assert.True(operation.Responses!.ContainsKey("200"));
        var stats = document.Components!.Schemas!["ActivityStats"];
        Assert.Equal(["bucketSeconds", "buckets", "from", "to", "totals"], stats.Properties!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("latencyP95Ms", document.Components.Schemas["ActivityBucket"].Properties!.Keys);
    }

    private static WebApplication Build(Action<WebApplicationBuilder> addServices, Action<WebApplication> mapApi)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.AddServiceDefaults();
        addServices(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        mapApi(app);
        // What starting the host would do: hand the mapped endpoints to routing, where the document generator reads them.
        app.UseRouting();
        app.UseEndpoints(_ => { });
        return app;
    }

    private static async Task AssertDocumentMatchesEndpoints(WebApplication app)
    {
        var mapped = MappedOperations(app);
        var document = await DocumentOf(app);
        var described = document.Paths
            .SelectMany(path => path.Value.Operations!.Keys.Select(method => $"{method.Method.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(mapped);
        Assert.Equal(mapped, described);
    }

    /// <summary>The service's public routes: everything under /api, with the route template as OpenAPI spells it.</summary>
    private static List<string> MappedOperations(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} {OpenApiPath(endpoint.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string OpenApiPath(string template) => template.TrimEnd('/');

    private static Task<Microsoft.OpenApi.OpenApiDocument> DocumentOf(WebApplication app) =>
        app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(ServiceOpenApiExtensions.DocumentName).GetOpenApiDocumentAsync();
}
