using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>
/// Runs a database operation again while PostgreSQL restarts, within <see cref="DatabaseRetryOptions.OutageBudget"/>.
/// Only operations that are safe to repeat go through it: reads, and writes that either committed or did not
/// (a single statement or transaction guarded by a unique key).
/// </summary>
public sealed class DatabaseRetry(NpgsqlDataSource dataSource, IOptions<DatabaseRetryOptions> options, TimeProvider timeProvider, ILogger<DatabaseRetry> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(1);

    /// <param name="canRepeat">Asked after a failure; false when the operation left something that must not be done twice.</param>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken, Func<bool>? canRepeat = null)
    {
        var started = timeProvider.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (Exception exception) when (TransientDatabaseErrors.IsTransient(exception)
                && !cancellationToken.IsCancellationRequested
                && (canRepeat?.Invoke() ?? true)
                && timeProvider.GetElapsedTime(started) + delay < options.Value.OutageBudget)
            {
                if (TransientDatabaseErrors.BrokeTheConnection(exception))
                {
                    dataSource.Clear();
                }
                logger.Log(attempt == 1 ? LogLevel.Warning : LogLevel.Debug,
                    "Database unavailable ({Message}); retrying in {Delay} ms (attempt {Attempt})", exception.Message, delay.TotalMilliseconds, attempt);
                await Task.Delay(delay, timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }

    public Task ExecuteAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken, Func<bool>? canRepeat = null) =>
        ExecuteAsync(async token =>
        {
            await operation(token);
            return true;
        }, cancellationToken, canRepeat);
}
