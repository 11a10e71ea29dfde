using System.Globalization;
using System.Text;

namespace Relay.Client.Streaming;

/// <summary>
/// Reads messages from a <c>text/event-stream</c> (WHATWG HTML, "Server-sent events"): <c>name: value</c> fields, a
/// blank line ending each message, comments (heartbeats) starting with ':' skipped, multi-line data joined with '\n'.
/// </summary>
internal sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader reader = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false);

    /// <summary>The next message with at least one field, or null when the stream ended (a message cut off by the end is dropped).</summary>
    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? id = null, eventName = null;
        StringBuilder? data = null;
        TimeSpan? retry = null;
        var hasField = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasField)
                {
                    return new ServerSentEvent(id, eventName, data?.ToString(), retry);
                }
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':');
            var name = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (name)
            {
                case "id" when !value.Contains('\0'):
                    id = value;
                    hasField = true;
                    break;
                case "event":
                    eventName = value;
                    hasField = true;
                    break;
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    hasField = true;
                    break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit)
                                   && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    retry = TimeSpan.FromMilliseconds(milliseconds);
                    hasField = true;
                    break;
            }
        }
        return null;
    }

    public void Dispose() => reader.Dispose();
}
