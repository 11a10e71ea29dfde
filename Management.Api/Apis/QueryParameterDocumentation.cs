using Microsoft.OpenApi;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

/// <summary>
/// List routes read their query themselves (so every bad value is answered in the envelope), which hides their
/// parameters from the OpenAPI generator. The document learns them from the same parser instead: run once on an
/// empty query, it names every parameter it reads, so the document cannot list a parameter the route refuses.
/// </summary>
public static class QueryParameterDocumentation
{
    public static RouteHandlerBuilder WithQueryParameters<T>(this RouteHandlerBuilder builder, Func<IQueryCollection, QueryResult<T>> parse)
        where T : class
    {
        var names = parse(QueryCollection.Empty).Parameters.ToArray();
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var name in names)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            return Task.CompletedTask;
        });
    }
}
