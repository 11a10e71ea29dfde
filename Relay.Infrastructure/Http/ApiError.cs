using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Relay.Infrastructure.Http;

/// <summary>An error answered in the contract's envelope; usable as a typed result.</summary>
public sealed class ApiError(int statusCode, string code, string message, object? details = null) : IResult, IStatusCodeHttpResult
{
    public int StatusCode { get; } = statusCode;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public string Code { get; } = code;
    public string Message { get; } = message;
    public object? Details { get; } = details;

    public static ApiError Validation(string message, object? details = null) => new(StatusCodes.Status400BadRequest, ErrorCodes.Validation, message, details);
    public static ApiError Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);
    public static ApiError Forbidden(string message, string requiredScope) =>
        new(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message, new { requiredScope });
    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);
    public static ApiError Conflict(string message, object? details = null) => new(StatusCodes.Status409Conflict, ErrorCodes.Conflict, message, details);
    public static ApiError RateLimited(string message, object? details = null) => new(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, message, details);
    public static ApiError DependencyUnavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable, message);
    public static ApiError Overloaded(string message, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Overloaded, message, new { retryAfterSeconds = RetryAfter.Seconds(retryAfter) });
    public static ApiError Internal() => new(StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "An unexpected error occurred");

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, StatusCode, Code, Message, Details);

    public static async Task WriteAsync(HttpContext httpContext, int statusCode, string code, string message, object? details = null)
    {
        var options = httpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        httpContext.Response.StatusCode = statusCode;
        await httpContext.Response.WriteAsJsonAsync(new ApiErrorEnvelope(new ApiErrorBody(code, message, details)), options, contentType: "application/json; charset=utf-8");
    }
}
