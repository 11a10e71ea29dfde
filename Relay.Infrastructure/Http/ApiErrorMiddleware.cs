using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Http;

internal sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            // Reads are safe to repeat: wait out a database restart instead of answering 503 at once.
            if (HttpMethods.IsGet(context.Request.Method) && context.RequestServices.GetService<DatabaseRetry>() is { } retry)
            {
                await retry.ExecuteAsync(async _ =>
                {
                    context.Response.Clear();
                    await next(context);
                }, context.RequestAborted, canRepeat: () => !context.Response.HasStarted);
            }
            else
            {
                await next(context);
            }
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            var (code, message) = exception.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "Request body is too large"),
                StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "Unsupported content type"),
                _ => (ErrorCodes.Validation, "Malformed request"),
            };
            await ApiError.WriteAsync(context, exception.StatusCode, code, message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nobody is left to answer.
            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            if (DatabaseFailures.IsRejectedData(exception))
            {
                // PostgreSQL refused a value the request carried (text it cannot hold, a number or date out of range, a
                // value too large for an index). The request would fail the same way every time: it is the caller's 400,
                // never "try again later". Its message may quote the value, so it goes to the log, not to the caller.
                logger.LogWarning("PostgreSQL refused a value of {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
                await ApiError.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.Validation,
                    "The request holds a value Relay cannot store (text, number or date out of range, or a value too long)");
                return;
            }
            if (ApiErrorHandling.IsDependencyFailure(exception))
            {
                logger.LogWarning(exception, "Dependency unavailable while handling {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable, "A dependency is unavailable; try again shortly");
                return;
            }
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
            await ApiError.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "An unexpected error occurred");
            return;
        }

        // Routing and Kestrel answer some requests with an empty body; give them the envelope.
        if (!context.Response.HasStarted && context.Response.ContentLength is null && string.IsNullOrEmpty(context.Response.ContentType))
        {
            switch (context.Response.StatusCode)
            {
                case StatusCodes.Status404NotFound:
                    await ApiError.WriteAsync(context, 404, ErrorCodes.NotFound, "Route not found");
                    break;
                case StatusCodes.Status405MethodNotAllowed:
                    await ApiError.WriteAsync(context, 405, ErrorCodes.MethodNotAllowed, "Method not allowed");
                    break;
                case StatusCodes.Status413PayloadTooLarge:
                    await ApiError.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "Request body is too large");
                    break;
                case StatusCodes.Status415UnsupportedMediaType:
                    await ApiError.WriteAsync(context, 415, ErrorCodes.UnsupportedMediaType, "Unsupported content type");
                    break;
            }
        }
    }
}
