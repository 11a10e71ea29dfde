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

    /// <summary>The management routes' credential: the bootstrap key or an API key in this header.</summary>
    public const string ManagementKeyScheme = "managementKey";
    public const string ManagementKeyHeader = "x-internal-api-key";

    /// <param name="requiresManagementKey">Every route of the service needs <see cref="ManagementKeyHeader"/>.</param>
    public static IHostApplicationBuilder AddServiceOpenApi(this IHostApplicationBuilder builder, string title, bool requiresManagementKey)
    {
        builder.Services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = title, Version = DocumentName };
            // The address this service was asked on is an internal one; the gateway states the public address.
            document.Servers = [];
            if (requiresManagementKey)
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ManagementKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ManagementKeyHeader,
                    Description = "The management key",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ManagementKeyScheme, document)] = [] }];
            }
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static IEndpointConventionBuilder MapServiceOpenApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi("/openapi/{documentName}.json");
}
