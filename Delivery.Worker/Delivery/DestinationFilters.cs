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

    /// <summary>
    /// The destinations (one candidate each, all for the same event) that want the event. The payload is parsed
    /// once, and only if some destination filters on it.
    /// </summary>
    public IReadOnlyList<DeliveryCandidate> Choose(IReadOnlyList<DeliveryCandidate> candidates)
    {
        var wanted = candidates
            .Select(candidate => (Candidate: candidate, Filters: ParsedFor(candidate)))
            .Where(entry => entry.Filters.EventTypes?.Matches(entry.Candidate.EventType) ?? true)
            .ToList();
        if (!wanted.Any(entry => entry.Filters.Payload is not null))
        {
            return wanted.Select(entry => entry.Candidate).ToList();
        }
        using var document = JsonDocument.Parse(wanted[0].Candidate.Payload);
        return wanted.Where(entry => entry.Filters.Payload?.Matches(document.RootElement) ?? true).Select(entry => entry.Candidate).ToList();
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
