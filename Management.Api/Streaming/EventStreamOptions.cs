using System.ComponentModel.DataAnnotations;

namespace Relay.Management.Api.Streaming;

/// <summary>The live tail, <c>GET /api/v1/events/stream</c> (<c>Relay:Stream</c>).</summary>
public sealed class EventStreamOptions
{
    public const string SectionName = "Relay:Stream";

    /// <summary>Streams one caller (an API key, or the configured management key) may hold open at once on each Management.Api replica.</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerKey { get; set; } = 5;

    /// <summary>
    /// After this long without a message, a stream sends an SSE comment, so that a quiet stream is not closed by what
    /// sits in between: the gateway ends an upstream response idle for its cluster's ActivityTimeout (30 s). Keep it
    /// below the shortest idle timeout on the way.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often an open stream looks for events nobody woke it for (a notification lost while the listening
    /// connection was down). Nothing polls while no stream is open.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most often PostgreSQL's notifications wake this process's streams (every committed ingest batch of every
    /// replica notifies; under load that is hundreds a second).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan NotificationWakeInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most events one read sends; a stream that is behind reads again at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Streams of this process reading the database at once; the others wait their turn (and their pool connection).</summary>
    [Range(1, 64)]
    public int MaxConcurrentReads { get; set; } = 4;
}
