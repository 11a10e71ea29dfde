using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Relay.Client.Http;

namespace Relay.Client.Streaming;

/// <summary>
/// The live tail of accepted events: opens <c>GET /api/v1/events/stream</c>, yields each event message, and when the
/// connection drops reconnects with <c>Last-Event-ID</c> (the id of the last message, heartbeats' ids included), so
/// nothing is missed or repeated. Gives up after <see cref="RelayClientOptions.MaxStreamReconnectAttempts"/> failed
/// reconnections in a row; waits what the server asked (<c>retry:</c>, or <c>Retry-After</c> on a refusal).
/// </summary>
internal sealed class EventStreamReader(RelayHttp http)
{
    public const string Path = "/api/v1/events/stream";
    public const string LastEventIdHeader = "Last-Event-ID";

    public async IAsyncEnumerable<StreamedEvent> ReadAsync(EventStreamQuery query, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = http.Options;
        var delay = options.StreamReconnectDelay;
        var failures = 0;
        var connected = false;
        Exception? lastFailure = null;
        while (true)
        {
            if (connected || lastFailure is not null)
            {
                // Lost the stream, or a reconnection failed: wait, then resume from the last id.
                if (++failures > options.MaxStreamReconnectAttempts)
                {
                    throw lastFailure ?? new IOException($"The event stream was lost {failures - 1} times in a row; giving up.");
                }
                await Task.Delay(Min(delay, options.MaxStreamReconnectDelay), options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            var (response, failure, retryAfter) = await ConnectAsync(query, lastEventId, isFirst: !connected && lastFailure is null, cancellationToken).ConfigureAwait(false);
            if (response is null)
            {
                lastFailure = failure;
                delay = retryAfter ?? delay;
                continue;
            }
            using (response)
            using (var reader = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)))
            {
                connected = true;
                var first = true;
                while (await NextAsync(reader, cancellationToken).ConfigureAwait(false) is { } message)
                {
                    if (first)
                    {
                        // A stream that answered and spoke counts as a success: the next loss starts counting again.
                        first = false;
                        failures = 0;
                        lastFailure = null;
                    }
                    delay = message.Retry ?? delay;
                    lastEventId = message.Id ?? lastEventId;
                    if (message.Data is not null)
                    {
                        yield return new StreamedEvent(lastEventId ?? "", message.EventName ?? "message", ReadEvent(message.Data));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The stream's response, or why there is none. The first request's refusal is thrown as it is (a bad query, a bad
    /// key, too many streams); on a reconnection only a transient one (429, 502-504, no connection) is retried.
    /// </summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure, TimeSpan? RetryAfter)> ConnectAsync(
        EventStreamQuery query, string? lastEventId, bool isFirst, CancellationToken cancellationToken)
    {
        using var request = http.Request(HttpMethod.Get, query.ToQueryString(resuming: lastEventId is not null).AppendTo(Path));
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation(LastEventIdHeader, lastEventId);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (!isFirst)
        {
            return (null, exception, null);
        }
        if (response.IsSuccessStatusCode)
        {
            return (response, null, null);
        }
        using (response)
        {
            var error = await RelayErrors.ReadAsync(response, http.Options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (isFirst || !RelayHttp.IsTransient(error.StatusCode))
            {
                throw error;
            }
            return (null, error, error.RetryAfter);
        }
    }

    /// <summary>The next message, or null when the stream ended or broke (the caller reconnects); cancellation is thrown.</summary>
    private static async Task<ServerSentEvent?> NextAsync(ServerSentEventReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            // Cancelling can break the connection under a read; that is the cancellation, not a lost stream.
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    internal static Event ReadEvent(string data) =>
        JsonSerializer.Deserialize<Event>(data, RelayHttp.Json) ?? throw new JsonException("The stream sent an event message whose data is null.");

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
