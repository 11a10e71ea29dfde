using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Streaming;

namespace Relay.Management.Api.Apis;

public static class EventStreamApi
{
    public static IEndpointRouteBuilder MapEventStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/events/stream", StreamEvents).WithName(nameof(StreamEvents)).WithTags("Events")
            .WithSummary("Accepted events as they arrive, as Server-Sent Events; Last-Event-ID resumes without gaps or repeats")
            .WithQueryParameters(query => EventStreamQuery.Parse(query, default));
        return app;
    }

    /// <summary>
    /// Checks everything that can be refused (the query, the caller's stream count, the Last-Event-ID) while an error
    /// can still be answered in the envelope; then the stream starts.
    /// </summary>
    public static async Task<Results<EventStreamResult, ApiError>> StreamEvents(
        HttpContext context, EventQueryRepository events, EventStreamSlots slots, IOptions<EventStreamOptions> options,
        CancellationToken cancellationToken)
    {
        var query = EventStreamQuery.Parse(context.Request.Query, context.Request.Headers[EventStreamQuery.LastEventIdHeader]);
        if (query.Value is not { } stream)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var slot = slots.TryTake(StreamCaller.Of(context));
        if (slot is null)
        {
            // A slot held by a client that went away is freed at that stream's next heartbeat at the latest.
            context.Response.SetRetryAfter(options.Value.HeartbeatInterval);
            return ApiError.RateLimited(
                $"This key already has {slots.MaxPerCaller} event streams open; close one first",
                new { maxStreamsPerKey = slots.MaxPerCaller });
        }
        try
        {
            if (await events.StartStreamAsync(stream.Resume, stream.Since, cancellationToken) is not { } start)
            {
                slot.Dispose();
                var name = context.Request.Headers.ContainsKey(EventStreamQuery.LastEventIdHeader) ? EventStreamQuery.LastEventIdHeader : EventStreamQuery.LastEventIdParameter;
                return ApiError.Validation("Invalid Last-Event-ID", new Dictionary<string, string> { [name] = "must be the id of a message this stream sent" });
            }
            return new EventStreamResult(slot, stream, start);
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }
}
