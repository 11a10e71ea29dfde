using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Relay.Infrastructure.Health;

namespace Relay.Infrastructure.Messaging;

/// <summary>
/// Checks the broker itself with a connection of its own (kept open between checks), so the answer does
/// not depend on whether this service also runs a MassTransit bus.
/// </summary>
public sealed class RabbitMqHealthCheck(RabbitMqConnection settings) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connection is { IsOpen: true })
            {
                return HealthCheckResult.Healthy();
            }
            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }
            var factory = new ConnectionFactory
            {
                HostName = settings.Host,
                Port = settings.Port,
                VirtualHost = settings.VirtualHost,
                UserName = settings.Username,
                Password = settings.Password,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                AutomaticRecoveryEnabled = false,
                ClientProvidedName = "relay-health",
                Ssl = { Enabled = settings.UseSsl, ServerName = settings.Host },
            };
            connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The client's message (host, port) is for operators; the public sees only the kind of failure.
            return PublicHealthDetail.Unhealthy(exception.InnerException?.Message ?? exception.Message, PublicDetailOf(exception));
        }
        finally
        {
            gate.Release();
        }
    }

    private static string PublicDetailOf(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationFailureException or PossibleAuthenticationFailureException)
            {
                return PublicHealthDetail.AuthenticationFailed;
            }
            if (current is ConnectFailureException)
            {
                // A refused or timed-out socket underneath; either way the broker could not be reached.
                var cause = current.InnerException is null ? PublicHealthDetail.Unavailable : PublicHealthDetail.Of(current.InnerException);
                return cause == PublicHealthDetail.Unavailable ? PublicHealthDetail.Unreachable : cause;
            }
        }
        return PublicHealthDetail.Of(exception);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
        gate.Dispose();
    }
}
