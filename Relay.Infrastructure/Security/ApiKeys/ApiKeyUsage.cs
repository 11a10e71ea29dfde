using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// Records when keys are used without a write on the request's path: a key is queued at most once per
/// <see cref="ApiKeyOptions.LastUsedInterval"/> in this process, and a background loop writes the queued keys'
/// <c>last_used_at</c> in one statement. A write that fails is logged and dropped (the next use queues the key again).
/// </summary>
public sealed class ApiKeyUsage(ApiKeyRepository repository, IOptions<ApiKeyOptions> options, TimeProvider timeProvider, ILogger<ApiKeyUsage> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> lastQueued = new();
    private readonly Channel<Guid> queued = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Record(Guid keyId)
    {
        var now = timeProvider.GetUtcNow();
        var interval = options.Value.LastUsedInterval;
        if (lastQueued.TryGetValue(keyId, out var last) && now - last < interval)
        {
            return;
        }
        // One of the requests racing here queues the key; a lost race means another one just did.
        if (last == default ? lastQueued.TryAdd(keyId, now) : lastQueued.TryUpdate(keyId, now, last))
        {
            queued.Writer.TryWrite(keyId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queued.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            var ids = new HashSet<Guid>();
            while (ids.Count < 1000 && reader.TryRead(out var id))
            {
                ids.Add(id);
            }
            var now = timeProvider.GetUtcNow();
            try
            {
                await repository.RecordUseAsync([.. ids], now, now - options.Value.LastUsedInterval, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Could not record the last use of {Count} API keys: {Message}", ids.Count, exception.Message);
            }
        }
    }
}
