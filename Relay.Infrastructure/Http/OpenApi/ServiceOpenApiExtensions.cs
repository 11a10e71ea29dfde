using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Relay.Infrastructure.Http.OpenApi;

/// <summary>
/// Each HTTP service describes its own routes, generated from its endpoints so the description cannot drift from
/// them. The document stays on the service's own port (<see cref="DocumentPath"/>); the gateway merges the services'
/// documents into the one public document and serves it with the interactive reference.
/// </summary>
public static class ServiceOpenApiExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The management routes' credential, the bootstrap key or an API key, in either of two places.</summary>
    public const string ManagementKeyScheme = "managementKey";
    public const string ManagementKeyHeader = "x-internal-api-key";
    public const string BearerScheme = "bearer";

    /// <param name="requiresManagementKey">Every route of the service needs a key; else only those marked <see cref="RequireKeyInDocument"/>.</param>
    public static IHostApplicationBuilder AddServiceOpenApi(this IHostApplicationBuilder builder, string title, bool requiresManagementKey)
    {
        builder.Services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = title, Version = DocumentName };
            // The address this service was asked on is an internal one; the gateway states the public address.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ManagementKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ManagementKeyHeader,
                Description = "The management key or an API key (rly_…)",
            };
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (rly_…) or the management key as a bearer token",
            };
            if (requiresManagementKey)
            {
                document.Security = KeyRequirements(document);
            }
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Marks one route of a service whose other routes need no key (publishing, on Ingress).</summary>
    public static RouteHandlerBuilder RequireKeyInDocument(this RouteHandlerBuilder route) =>
        route.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security = KeyRequirements(context.Document!);
            return Task.CompletedTask;
        });

    // Either credential will do: two requirements, each naming one scheme.
    private static List<OpenApiSecurityRequirement> KeyRequirements(OpenApiDocument document) =>
    [
        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ManagementKeyScheme, document)] = [] },
        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
    ];

    public static IEndpointConventionBuilder MapServiceOpenApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi("/openapi/{documentName}.json");
}
