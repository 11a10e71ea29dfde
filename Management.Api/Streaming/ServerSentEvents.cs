using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Relay.Management.Api.Data;

namespace Relay.Management.Api.Streaming;

/// <summary>
/// The <c>text/event-stream</c> format (WHATWG HTML, "Server-sent events"): fields as <c>name: value</c> lines, a
/// message ended by a blank line, comments starting with ':'. Values are one line: ids are base64url, types are
/// constants and the JSON is written unindented, with every control character in a string escaped.
/// </summary>
internal static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    /// <summary>The type of every event message (<c>event:</c>); clients listen for it with <c>addEventListener</c>.</summary>
    public const string EventAccepted = "event.accepted";

    public static void WriteEvent(PipeWriter body, StreamedEvent streamed, JsonSerializerOptions json)
    {
        Write(body, "id: ");
        Write(body, streamed.Position.Encode());
        Write(body, "\nevent: " + EventAccepted + "\ndata: ");
        using (var writer = new Utf8JsonWriter((IBufferWriter<byte>)body, new JsonWriterOptions { Encoder = json.Encoder, Indented = false, MaxDepth = json.MaxDepth }))
        {
            JsonSerializer.Serialize(writer, streamed.Event, json);
        }
        Write(body, "\n\n");
    }

    /// <summary>
    /// The reconnection delay and the position the stream starts at: a message with an <c>id</c> and no data sets the
    /// client's last event id without dispatching an event, so a client that loses the stream before any event resumes
    /// from where it started rather than from a later "now".
    /// </summary>
    public static void WriteStart(PipeWriter body, EventStreamPosition position, TimeSpan reconnectionDelay)
    {
        Write(body, $"retry: {(long)reconnectionDelay.TotalMilliseconds}\nid: {position.Encode()}\n\n");
    }

    /// <summary>A comment that keeps a quiet stream open, with the position it has read up to when that moved past what was last sent.</summary>
    public static void WriteHeartbeat(PipeWriter body, EventStreamPosition? position)
    {
        Write(body, position is { } moved ? $": heartbeat\nid: {moved.Encode()}\n\n" : ": heartbeat\n\n");
    }

    private static void Write(PipeWriter body, string text) => Encoding.UTF8.GetBytes(text, body);
}
