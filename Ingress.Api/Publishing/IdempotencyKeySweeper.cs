using Microsoft.Extensions.Options;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// Deletes expired <c>Idempotency-Key</c>s every <see cref="PublishOptions.SweepInterval"/>, so the table holds about a
/// day of keys. Every replica sweeps; two at once only delete the same rows once.
/// </summary>
public sealed class IdempotencyKeySweeper(PublishIdempotencyRepository repository, IOptions<PublishOptions> options, TimeProvider timeProvider, ILogger<IdempotencyKeySweeper> logger) : BackgroundService
{
    private const int BatchSize = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.SweepInterval, timeProvider, stoppingToken);
            try
            {
                var total = 0;
                int deleted;
                do
                {
                    deleted = await repository.DeleteExpiredAsync(BatchSize, stoppingToken);
                    total += deleted;
                }
                while (deleted == BatchSize);
                if (total > 0)
                {
                    logger.LogInformation("Deleted {Count} expired Idempotency-Keys", total);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Sweeping expired Idempotency-Keys failed ({Message}); trying again in {Interval}", exception.Message, options.Value.SweepInterval);
            }
        }
    }
}
