using Microsoft.Net.Http.Headers;
using Relay.Gateway.OperatorConsole;
using Relay.Gateway.Middleware;

namespace Relay.Gateway.Apis;

/// <summary>
/// The operator console at <c>/console</c>: static files answered by the gateway itself. The page holds no secret of
/// its own: the operator types an API key, the page keeps it in the tab's session storage and sends it as a bearer
/// token to the management routes (never in a URL), so the console can do exactly what that key's scopes allow.
/// </summary>
public static class ConsoleApi
{
    public const string Prefix = "/console";
    private const string IndexFile = "index.html";

    // Only the console's own files and the gateway's routes: no inline script, no other origin, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{Prefix}/{{**path}}", GetFile).WithMetadata(new AllowedMethods(HttpMethods.Get, HttpMethods.Head)).ExcludeFromDescription();
        return app;
    }

    /// <summary>A file of the console; any other path is a page of the single-page console, answered with its shell.</summary>
    private static IResult GetFile(string? path, HttpContext context, ConsoleAssets assets)
    {
        // The catch-all also matches "/console": send it to the one address of the console's home.
        if (string.IsNullOrEmpty(path) && !context.Request.Path.Value!.EndsWith('/'))
        {
            return TypedResults.Redirect($"{Prefix}/");
        }
        var asset = assets.Find(string.IsNullOrEmpty(path) ? IndexFile : path);
        if (asset is null)
        {
            if (path is not null && Path.HasExtension(path))
            {
                return TypedResults.NotFound();
            }
            asset = assets.Find(IndexFile)!;
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (a 304 costs one round trip), so an upgraded gateway serves its own console at once.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
