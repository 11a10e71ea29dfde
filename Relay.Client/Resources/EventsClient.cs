using Relay.Client.Http;
using Relay.Client.Streaming;

namespace Relay.Client;

/// <summary>Events: list, detail, status, publish, replay and the live stream.</summary>
public sealed class EventsClient
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";
    private readonly RelayHttp http;
    private readonly EventStreamReader stream;

    internal EventsClient(RelayHttp http)
    {
        this.http = http;
        stream = new EventStreamReader(http);
    }

    /// <summary>One page of events, newest first.</summary>
    [RelayOperation("GET", "/api/v1/events")]
    public Task<Page<Event>> ListAsync(EventListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<Event>("/api/v1/events", query ?? new EventListQuery(), cancellationToken);

    /// <summary>Every event matching the query, fetching page after page as they are reached.</summary>
    [RelayOperation("GET", "/api/v1/events")]
    public IAsyncEnumerable<Event> ListAllAsync(EventListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<Event>("/api/v1/events", query ?? new EventListQuery(), cancellationToken);

    /// <summary>The event with its webhook, delivery attempts, jobs, replay requests and deliveries.</summary>
    [RelayOperation("GET", "/api/v1/events/{id}")]
    public Task<EventDetail> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<EventDetail>(HttpMethod.Get, $"/api/v1/events/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>The event's processing status and jobs.</summary>
    [RelayOperation("GET", "/api/v1/events/{id}/status")]
    public Task<EventStatus> GetStatusAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<EventStatus>(HttpMethod.Get, $"/api/v1/events/{RelayHttp.Segment(id)}/status", null, cancellationToken);

    /// <summary>The same as <see cref="GetStatusAsync"/> by its older route, for pollers written against it.</summary>
    [RelayOperation("GET", "/api/v1/processing-status/{id}")]
    public Task<EventStatus> GetProcessingStatusAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<EventStatus>(HttpMethod.Get, $"/api/v1/processing-status/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>
    /// Publishes an event (the key needs the <c>write</c> scope). With an <paramref name="idempotencyKey"/>, sending the
    /// same request again within 24 hours answers the first answer (<see cref="PublishedEvent.IdempotentReplay"/>).
    /// </summary>
    [RelayOperation("POST", "/api/v1/events")]
    public async Task<PublishedEvent> PublishAsync(PublishEventRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = http.Request(HttpMethod.Post, "/api/v1/events", request);
        if (idempotencyKey is not null)
        {
            message.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        }
        using var response = await http.SendCheckedAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var envelope = await RelayHttp.ReadEnvelopeAsync<PublishedEvent>(response, cancellationToken).ConfigureAwait(false);
        var published = envelope.Data ?? throw new RelayApiException(response.StatusCode, null, "Relay's publish answer has no data", null, null, null);
        return published with { IdempotentReplay = response.Headers.TryGetValues(ReplayedHeader, out var replayed) && replayed.Contains("true") };
    }

    /// <summary>Replays the event to its destinations (the key needs the <c>replay</c> scope).</summary>
    [RelayOperation("POST", "/api/v1/events/{id}/replay")]
    public Task<ReplayAccepted> ReplayAsync(Guid id, ReplayEventRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<ReplayAccepted>(HttpMethod.Post, $"/api/v1/events/{RelayHttp.Segment(id)}/replay", request, cancellationToken);

    /// <summary>
    /// Accepted events as they arrive, from now (or <paramref name="since"/>, or after <paramref name="lastEventId"/>, a
    /// <see cref="StreamedEvent.Id"/> of an earlier stream). A dropped connection is resumed where it stopped. Ends only
    /// when <paramref name="cancellationToken"/> is cancelled or reconnecting fails too often.
    /// </summary>
    [RelayOperation("GET", "/api/v1/events/stream")]
    public IAsyncEnumerable<StreamedEvent> StreamAsync(DateTimeOffset? since = null, string? lastEventId = null, CancellationToken cancellationToken = default) =>
        stream.ReadAsync(new EventStreamQuery { Since = since }, lastEventId, cancellationToken);

    /// <summary>Accepted events matching <paramref name="query"/> as they arrive; see <see cref="StreamAsync(DateTimeOffset?, string?, CancellationToken)"/>.</summary>
    [RelayOperation("GET", "/api/v1/events/stream")]
    public IAsyncEnumerable<StreamedEvent> StreamAsync(EventStreamQuery query, string? lastEventId = null, CancellationToken cancellationToken = default) =>
        stream.ReadAsync(query ?? throw new ArgumentNullException(nameof(query)), lastEventId, cancellationToken);
}
