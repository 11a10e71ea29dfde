using Relay.Gateway.ApiReference;
using Relay.Gateway.Middleware;
using Relay.Infrastructure.Http;
using Scalar.AspNetCore;

namespace Relay.Gateway.Apis;

/// <summary>The public OpenAPI document and its interactive reference page, both answered by the gateway itself.</summary>
public static class ApiReferenceApi
{
    public const string DocumentRoute = "/openapi/v1.json";
    public const string ReferencePrefix = "/docs";

    public static IEndpointRouteBuilder MapApiReferenceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(DocumentRoute, GetDocument).WithMetadata(new AllowedMethods(HttpMethods.Get, HttpMethods.Head)).ExcludeFromDescription();
        // The page's script is served from the package itself (no CDN, nothing phones home), so it works offline.
        app.MapScalarApiReference(ReferencePrefix, options => options
                .WithTitle("Relay API")
                .WithOpenApiRoutePattern(DocumentRoute)
                .DisableDefaultFonts()
                .DisableTelemetry())
            .WithMetadata(new AllowedMethods(HttpMethods.Get, HttpMethods.Head));
        return app;
    }

    private static async Task<IResult> GetDocument(PublicApiDocument document, CancellationToken cancellationToken) =>
        await document.GetAsync(cancellationToken) is { } json
            ? TypedResults.Text(json, "application/json")
            : ApiError.DependencyUnavailable("The API description is not available yet: an upstream service cannot be reached");
}
