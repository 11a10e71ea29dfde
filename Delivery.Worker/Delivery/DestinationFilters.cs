using System.Collections.Concurrent;
using System.Text.Json;
using Relay.Delivery.Worker.Persistence;
using Relay.Infrastructure.Destinations;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// Whether an event goes to a destination: its event-type filter and payload filter, parsed once per version of the
/// destination (cached by id and <c>updated_at</c>). Management validated both when they were saved; one that
/// no longer parses lets everything through (logged), because dropping accepted events silently is worse.
/// </summary>
public sealed class DestinationFilters(ILogger<DestinationFilters> logger)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<Guid, Parsed> cache = new();

    public bool Matches(DeliveryCandidate candidate)
    {
        var parsed = ParsedFor(candidate);
        if (parsed.EventTypes is { } types && !types.Matches(candidate.EventType))
        {
            return false;
        }
        if (parsed.Payload is null)
        {
            return true;
        }
        using var document = JsonDocument.Parse(candidate.Payload);
        return parsed.Payload.Matches(document.RootElement);
    }

    private Parsed ParsedFor(DeliveryCandidate candidate)
    {
        if (cache.TryGetValue(candidate.DestinationId, out var cached) && cached.Version == candidate.DestinationUpdatedAt)
        {
            return cached;
        }
        EventTypeFilter? types = null;
        if (candidate.EventTypes.Length > 0)
        {
            if (EventTypeFilter.TryCreate(candidate.EventTypes, out var filter, out var error))
            {
                types = filter;
            }
            else
            {
                logger.LogWarning("Destination {DestinationId} has an event-type filter that does not parse ({Error}); it takes every type", candidate.DestinationId, error);
            }
        }
        PayloadFilter? payload = null;
        if (!string.IsNullOrEmpty(candidate.PayloadFilter))
        {
            if (PayloadFilter.TryParse(candidate.PayloadFilter, out var filter, out var error))
            {
                payload = filter;
            }
            else
            {
                logger.LogWarning("Destination {DestinationId} has a payload filter that does not parse ({Error}); it takes every payload", candidate.DestinationId, error);
            }
        }
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }
        var parsed = new Parsed(candidate.DestinationUpdatedAt, types, payload);
        cache[candidate.DestinationId] = parsed;
        return parsed;
    }

    private sealed record Parsed(DateTime Version, EventTypeFilter? EventTypes, PayloadFilter? Payload);
}
