using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Relay.Infrastructure.Health;

namespace Relay.Infrastructure.Data;

public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await SelectOneAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (TransientDatabaseErrors.BrokeTheConnection(exception))
        {
            // A connection the last restart killed says nothing about the server now: ask again on a fresh one.
            dataSource.Clear();
            return await CheckOnceMoreAsync(cancellationToken);
        }
        catch (Exception exception) when (IsUnhealthy(exception))
        {
            return Unhealthy(exception);
        }
    }

    private async Task<HealthCheckResult> CheckOnceMoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SelectOneAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (IsUnhealthy(exception))
        {
            return Unhealthy(exception);
        }
    }

    private async Task SelectOneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    // The message (host, port, server text) is for operators; the public sees only the kind of failure.
    private static HealthCheckResult Unhealthy(Exception exception) => PublicHealthDetail.Unhealthy(exception.Message, exception switch
    {
        // Class 28: invalid authorization (wrong password, no such role, pg_hba refusal).
        PostgresException postgres when postgres.SqlState.StartsWith("28", StringComparison.Ordinal) => PublicHealthDetail.AuthenticationFailed,
        _ => PublicHealthDetail.Of(exception),
    });

    private static bool IsUnhealthy(Exception exception) =>
        exception is NpgsqlException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException;
}
