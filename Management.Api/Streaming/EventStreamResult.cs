using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Streaming;

/// <summary>
/// One live tail, from its first byte to the client's disconnect (or the service stopping): reads the events after its
/// position whenever it is woken, a notification came or a poll is due, sends them as SSE messages and keeps the quiet
/// stream alive with heartbeats. It owns its slot (<see cref="EventStreamSlots"/>) and gives it back when it ends.
/// </summary>
public sealed class EventStreamResult(IDisposable slot, EventStreamQuery query, EventStreamPosition start) : IResult
{
    /// <summary>How soon a client reconnects after losing the stream (SSE <c>retry</c>).</summary>
    public static readonly TimeSpan ReconnectionDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The shortest and the longest wait before looking again at events held back behind a running transaction. Such a
    /// transaction is normally short and does not notify when it ends (an outbox publisher's, holding its rows while
    /// the broker confirms; a delivery update), so the stream looks again after half as long as the events have been
    /// held so far: soon at first, then less and less often, so a long one (a migration, a bulk job) costs a read a
    /// second per stream while it runs. Under load, notifications wake the stream sooner anyway.
    /// </summary>
    public static readonly TimeSpan MinHeldBackDelay = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan MaxHeldBackDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The transaction ids a read covers (<see cref="EventQueryRepository.ReadStreamAsync"/>): halved when a window
    /// holds more than a batch, doubled when a whole window held less than half of one, so a stream catching up reads
    /// about a batch's worth of rows each time whatever the number of events per transaction.
    /// </summary>
    public const long FirstWindow = 1024;
    public const long MinWindow = 16;
    public const long MaxWindow = 1 << 20;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var _ = slot;
        var services = httpContext.RequestServices;
        var events = services.GetRequiredService<EventQueryRepository>();
        var wake = services.GetRequiredService<EventStreamWake>();
        var options = services.GetRequiredService<IOptions<EventStreamOptions>>().Value;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var logger = services.GetRequiredService<ILogger<EventStreamResult>>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        // The client leaving, or the service stopping (the client reconnects, with its Last-Event-ID, to a replica that runs).
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var cancellationToken = ended.Token;

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache, no-store";
        // Proxies that buffer unless told otherwise (nginx) pass the stream through as it is written.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.BodyWriter;

        using var signal = wake.Register();
        try
        {
            await RunAsync(body, signal, events, wake, options, timeProvider, json, logger, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client went away or the service is stopping: nothing left to answer.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
    }

    private async Task RunAsync(
        System.IO.Pipelines.PipeWriter body, StreamSignal signal, EventQueryRepository events, EventStreamWake wake, EventStreamOptions options,
        TimeProvider timeProvider, JsonSerializerOptions json, ILogger logger, CancellationToken cancellationToken)
    {
        var position = start;
        // The position the client holds: the id of the last message it was sent.
        var sent = start;
        ServerSentEvents.WriteStart(body, start, ReconnectionDelay);
        await body.FlushAsync(cancellationToken);
        var lastWrite = timeProvider.GetTimestamp();
        long? heldBackSince = null;
        var window = FirstWindow;
        var failureDelay = TimeSpan.Zero;

        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan readAgainIn;
            try
            {
                var batch = await wake.ReadAsync(token => events.ReadStreamAsync(query, position, options.BatchSize, window, token), cancellationToken);
                failureDelay = TimeSpan.Zero;
                foreach (var streamed in batch.Events)
                {
                    ServerSentEvents.WriteEvent(body, streamed, json);
                }
                position = batch.Next;
                if (batch.Events.Count > 0)
                {
                    sent = batch.Events[^1].Position;
                    await FlushAsync(body, cancellationToken);
                    lastWrite = timeProvider.GetTimestamp();
                }
                if (batch.More)
                {
                    // Behind: read on at once, with a window that holds about a batch.
                    window = batch.Events.Count == options.BatchSize ? Math.Max(MinWindow, window / 2)
                        : batch.Events.Count < options.BatchSize / 2 ? Math.Min(MaxWindow, window * 2)
                        : window;
                    continue;
                }
                // Events held back behind a running transaction are sent once it ends; that transaction may not notify
                // (not every writer writes outbox rows), so look again soon, then less and less often.
                heldBackSince = batch.HeldBack ? heldBackSince ?? timeProvider.GetTimestamp() : null;
                readAgainIn = heldBackSince is { } since
                    ? Max(MinHeldBackDelay, Min(timeProvider.GetElapsedTime(since) / 2, Min(MaxHeldBackDelay, options.PollInterval)))
                    : options.PollInterval;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not (IOException or OperationCanceledException))
            {
                // The database is away: keep the stream (and its position) and try again, with heartbeats meanwhile.
                failureDelay = Min(TimeSpan.FromMilliseconds(Math.Max(250, failureDelay.TotalMilliseconds * 2)), options.PollInterval);
                logger.LogWarning("Event stream read failed ({Message}); retrying in {Delay}", exception.Message, failureDelay);
                readAgainIn = failureDelay;
            }

            var readAt = timeProvider.GetTimestamp() + (long)(readAgainIn.TotalSeconds * timeProvider.TimestampFrequency);
            while (true)
            {
                var untilHeartbeat = options.HeartbeatInterval - timeProvider.GetElapsedTime(lastWrite);
                if (untilHeartbeat <= TimeSpan.Zero)
                {
                    ServerSentEvents.WriteHeartbeat(body, position == sent ? null : position);
                    sent = position;
                    await FlushAsync(body, cancellationToken);
                    lastWrite = timeProvider.GetTimestamp();
                    continue;
                }
                var untilRead = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), readAt);
                if (untilRead <= TimeSpan.Zero || await signal.WaitAsync(Min(untilRead, untilHeartbeat), cancellationToken))
                {
                    break;
                }
            }
        }
    }

    private static async Task FlushAsync(System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken)
    {
        var flushed = await body.FlushAsync(cancellationToken);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            throw new OperationCanceledException("The client is gone.", cancellationToken);
        }
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left < right ? left : right;

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}
