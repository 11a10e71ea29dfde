using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Http;

public static class ApiErrorHandling
{
    /// <summary>
    /// Puts the contract's error envelope around every response of the service: unhandled exceptions become
    /// 500 (or 503 when a dependency is down) without a stack trace, and bare 404/405/413 answers get a body.
    /// Call it first in the service's pipeline; it sits inside ASP.NET Core's developer exception page, so even
    /// Development never shows a stack trace.
    /// </summary>
    public static IApplicationBuilder UseRelayApiErrors(this IApplicationBuilder app) => app.UseMiddleware<ApiErrorMiddleware>();

    /// <summary>
    /// A dependency is down or overloaded: worth trying again later (503). PostgreSQL counts only for an outage; a value it
    /// refused or a statement it rejected is no reason for the caller to come back (see <see cref="DatabaseFailures"/>).
    /// </summary>
    internal static bool IsDependencyFailure(Exception exception) => exception switch
    {
        NpgsqlException => DatabaseFailures.Classify(exception) == DatabaseFailureKind.Outage,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        MassTransit.RequestTimeoutException => true,
        _ when exception.GetType().Namespace?.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) == true => true,
        StackExchange.Redis.RedisException => true,
        _ => exception.InnerException is not null && IsDependencyFailure(exception.InnerException),
    };
}
