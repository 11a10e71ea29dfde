using System.Text;
using Relay.Client.Streaming;

namespace Relay.UnitTests.Client;

public sealed class ServerSentEventReaderTests
{
    [Fact]
    public async Task Reads_fields_skips_comments_and_joins_multi_line_data()
    {
        var messages = await ReadAllAsync(
            "retry: 1000\nid: start\n\n" +
            ": heartbeat\n\n" +
            "id: a1\nevent: event.accepted\ndata: {\"x\":\ndata: 1}\n\n" +
            ":another comment\nid: a2\ndata:no-space\n\n");

        Assert.Equal(3, messages.Count);
        Assert.Equal(new ServerSentEvent("start", null, null, TimeSpan.FromSeconds(1)), messages[0]);
        Assert.Equal(new ServerSentEvent("a1", "event.accepted", "{\"x\":\n1}", null), messages[1]);
        Assert.Equal(new ServerSentEvent("a2", null, "no-space", null), messages[2]);
    }

    [Fact]
    public async Task Takes_crlf_and_cr_line_endings_and_ignores_unknown_fields_and_bad_retry()
    {
        var messages = await ReadAllAsync("id: 1\r\nfoo: bar\r\nretry: 12x\r\ndata: one\r\n\r\nid: 2\rdata: two\r\r");

        Assert.Equal([new ServerSentEvent("1", null, "one", null), new ServerSentEvent("2", null, "two", null)], messages);
    }

    [Fact]
    public async Task A_message_cut_off_by_the_end_of_the_stream_is_dropped()
    {
        var messages = await ReadAllAsync("id: 1\ndata: whole\n\nid: 2\ndata: cut");

        Assert.Equal([new ServerSentEvent("1", null, "whole", null)], messages);
    }

    [Fact]
    public async Task A_stream_of_heartbeats_only_yields_nothing()
    {
        Assert.Empty(await ReadAllAsync(": heartbeat\n\n: heartbeat\n\n"));
    }

    private static async Task<List<ServerSentEvent>> ReadAllAsync(string text)
    {
        using var reader = new ServerSentEventReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var messages = new List<ServerSentEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }
}
