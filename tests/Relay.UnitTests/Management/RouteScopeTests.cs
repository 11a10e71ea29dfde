using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relay.Management.Api.Extensions;
using Relay.Management.Api.Security;

namespace Relay.UnitTests.Management;

/// <summary>The scope every management request needs, by convention, and proof that every mapped route is covered.</summary>
public sealed class RouteScopeTests
{
    [Theory]
    [InlineData("GET", "/api/v1/events", "read")]
    [InlineData("HEAD", "/api/v1/events", "read")]
    [InlineData("GET", "/api/v1/events/stream", "read")]
    [InlineData("GET", "/api/v1/replays", "read")]
    [InlineData("GET", "/api/v1/replays/abc", "read")]
    [InlineData("POST", "/api/v1/events/6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f/replay", "replay")]
    [InlineData("POST", "/API/V1/Events/x/Replay/", "replay")]
    [InlineData("POST", "/api/v1/replays", "replay")]
    [InlineData("POST", "/api/v1/replays/6c8f1d2e/cancel", "replay")]
    [InlineData("DELETE", "/api/v1/replays/6c8f1d2e", "replay")]
    [InlineData("POST", "/api/v1/events/x/replay/more", "write")]
    [InlineData("POST", "/api/v1/events/replay", "write")]
    [InlineData("POST", "/api/v1/integrations", "write")]
    [InlineData("PATCH", "/api/v1/integrations/x", "write")]
    [InlineData("PUT", "/api/v1/destinations/x", "write")]
    [InlineData("DELETE", "/api/v1/destinations/x", "write")]
    [InlineData("POST", "/api/v1/destinations/x/recover", "write")]
    [InlineData("OPTIONS", "/api/v1/integrations", "write")]
    [InlineData("GET", "/api/v1/api-keys", "admin")]
    [InlineData("GET", "/api/v1/API-KEYS/x", "admin")]
    [InlineData("POST", "/api/v1/api-keys", "admin")]
    [InlineData("DELETE", "/api/v1/api-keys/x", "admin")]
    public void Each_request_needs_the_scope_of_its_method_and_path(string method, string path, string scope)
    {
        Assert.Equal(scope, RouteScopes.For(method, new PathString(path)));
    }

    [Fact]
    public void Every_mapped_management_route_is_guarded_and_needs_the_scope_the_convention_gives_it()
    {
        var routes = MappedRoutes();

        // The routes of this change, and a sample of the others, resolve as the convention says.
        Assert.Contains(("POST", "/api/v1/api-keys", "admin"), routes);
        Assert.Contains(("DELETE", "/api/v1/api-keys/{id}", "admin"), routes);
        Assert.Contains(("GET", "/api/v1/events", "read"), routes);
        Assert.Contains(("POST", "/api/v1/events/{id}/replay", "replay"), routes);
        Assert.Contains(("POST", "/api/v1/integrations", "write"), routes);
        Assert.Contains(("POST", "/api/v1/destinations/{id}/recover", "write"), routes);
        Assert.True(routes.Count >= 30, $"only {routes.Count} routes found");
        foreach (var (method, pattern, scope) in routes)
        {
            Assert.True(ManagementApiKeyMiddleware.IsProtected(new PathString(pattern)), $"{method} {pattern} is not under a protected prefix: it would answer without a key");
            Assert.Contains(scope, Relay.Infrastructure.Security.ApiKeys.ApiKeyScopes.All);
            var expected = pattern.StartsWith("/api/v1/api-keys", StringComparison.OrdinalIgnoreCase) ? "admin"
                : method is "GET" or "HEAD" ? "read"
                : pattern.StartsWith("/api/v1/replays", StringComparison.OrdinalIgnoreCase) || pattern.EndsWith("/replay", StringComparison.OrdinalIgnoreCase) ? "replay"
                : "write";
            Assert.True(expected == scope, $"{method} {pattern} needs '{scope}', expected '{expected}'");
        }
    }

    /// <summary>Every (method, route pattern) Management.Api maps under /api/v1, read from its EndpointDataSource, with the scope it needs.</summary>
    private static List<(string Method, string Pattern, string Scope)> MappedRoutes()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:relaydb"] = "Host=127.0.0.1;Port=1;Username=none;Password=none;Database=none",
            ["ConnectionStrings:redis"] = "127.0.0.1:1",
            ["ConnectionStrings:rabbitmq"] = "amqp://none:none@127.0.0.1:1/",
            ["Relay:ManagementApiKey"] = "unit-test-management-key",
        });
        builder.AddManagementServices();
        using var app = builder.Build();
        app.MapManagementApi();
        var routes = new List<(string, string, string)>();
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (!pattern.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            Assert.True(methods is { Count: > 0 }, $"{pattern} accepts any method");
            foreach (var method in methods!)
            {
                routes.Add((method, pattern, RouteScopes.For(method, new PathString(pattern))));
            }
        }
        return routes;
    }
}
