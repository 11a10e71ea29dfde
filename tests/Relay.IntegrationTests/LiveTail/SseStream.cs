using System.Net;
using System.Net.Http.Headers;

namespace Relay.IntegrationTests.LiveTail;

/// <summary>One message block of a <c>text/event-stream</c>: the fields up to a blank line, and the comments among them.</summary>
internal sealed record SseBlock(string? Id, string? Event, string? Data, string? Retry, IReadOnlyList<string> Comments)
{
    public bool IsEvent => Data is not null;
}

/// <summary>
/// A Server-Sent Events client that reads the stream as the WHATWG parser does (fields, comments, blank-line dispatch,
/// the last event id kept across messages, an id without data included), block by block.
/// </summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        this.response = response;
        reader = new StreamReader(body);
    }

    /// <summary>The id the client would reconnect with (WHATWG's "last event ID string").</summary>
    public string? LastEventId { get; private set; }

    public HttpResponseMessage Response => response;

    /// <summary>Opens the stream; when <paramref name="expected"/> is not 200 the response is returned unread in <paramref name="refused"/>.</summary>
    public static async Task<(SseStream? Stream, HttpResponseMessage? Refused)> TryOpenAsync(HttpClient client, string path, string? lastEventIdHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventIdHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventIdHeader);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (null, response);
        }
        return (new SseStream(response, await response.Content.ReadAsStreamAsync()), null);
    }

    /// <summary>
    /// Opens the stream, waiting a little while the key holds all its streams: a stream an earlier step closed is
    /// given back once Management.Api has seen the disconnect through the gateway.
    /// </summary>
    public static async Task<SseStream> OpenAsync(HttpClient client, string path, string? lastEventIdHeader = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var (stream, refused) = await TryOpenAsync(client, path, lastEventIdHeader);
        while (stream is null && refused!.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
        {
            refused.Dispose();
            await Task.Delay(50);
            (stream, refused) = await TryOpenAsync(client, path, lastEventIdHeader);
        }
        if (stream is null)
        {
            var body = await refused!.Content.ReadAsStringAsync();
            refused.Dispose();
            throw new InvalidOperationException($"GET {path} answered {(int)refused.StatusCode}: {body}");
        }
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        return stream;
    }

    /// <summary>The next block, or null when the stream ended; throws when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<SseBlock?> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? id = null, type = null, retry = null;
        List<string>? data = null;
        var comments = new List<string>();
        var any = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancel.Token);
            if (line is null)
            {
                return null;
            }
            if (line.Length == 0)
            {
                if (!any)
                {
                    continue;
                }
                if (id is not null)
                {
                    LastEventId = id;
                }
                return new SseBlock(id, type, data is null ? null : string.Join('\n', data), retry, comments);
            }
            any = true;
            if (line[0] == ':')
            {
                comments.Add(line[1..].TrimStart(' '));
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (name)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    (data ??= []).Add(value);
                    break;
                case "retry":
                    retry = value;
                    break;
            }
        }
    }

    /// <summary>The next block that carries an event (heartbeats and position updates read on the way).</summary>
    public async Task<SseBlock> NextEventAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var block = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) ?? throw new InvalidOperationException("The stream ended.");
            if (block.IsEvent)
            {
                return block;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
