using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.IntegrationTests.Hardening;

/// <summary>An HTTP/1.1 answer read off a raw socket (null status: the connection closed without one).</summary>
public sealed record RawResponse(int? Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    public string? ErrorCode => Json?["success"]?.GetValue<bool>() == false ? Json["error"]?["code"]?.GetValue<string>() : null;

    public override string ToString() => $"{Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))} {Body}";
}

/// <summary>
/// Requests written byte for byte on a TcpClient: what HttpClient refuses to send (non-ASCII header bytes, CONNECT
/// with a path), and bodies sent at a chosen pace.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, "\r\n" separated, without the blank line) and a body.</summary>
    public static Task<RawResponse> SendAsync(Uri server, string head, byte[]? body = null, TimeSpan? timeout = null) =>
        SendPacedAsync(server, Encoding.Latin1.GetBytes(head + "\r\nConnection: close\r\n\r\n"), body ?? [], bytesPerSecond: null, timeout ?? TimeSpan.FromSeconds(15));

    /// <summary>
    /// Sends the request head at once and the body in tenth-of-a-second slices at <paramref name="bytesPerSecond"/>
    /// (all at once when null), then reads the answer. A server that answers and closes mid-body ends the sending.
    /// </summary>
    public static async Task<RawResponse> SendPacedAsync(Uri server, byte[] head, byte[] body, int? bytesPerSecond, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, deadline.Token);
        var stream = tcp.GetStream();
        var reading = ReadAllAsync(stream, deadline.Token);
        try
        {
            await stream.WriteAsync(head, deadline.Token);
            if (bytesPerSecond is not { } rate)
            {
                await stream.WriteAsync(body, deadline.Token);
            }
            else
            {
                var slice = Math.Max(1, rate / 10);
                for (var sent = 0; sent < body.Length && !reading.IsCompleted; sent += slice)
                {
                    await stream.WriteAsync(body.AsMemory(sent, Math.Min(slice, body.Length - sent)), deadline.Token);
                    await Task.Delay(TimeSpan.FromSeconds(slice / (double)rate), deadline.Token);
                }
            }
        }
        catch (IOException)
        {
            // The server answered and closed while the body was still going out: read what it said.
        }
        return Parse(await reading);
    }

    /// <summary>Request head bytes: Latin-1, so "\u00e9" is the single byte 0xE9 and "\u00c3\u00a9" is UTF-8's é.</summary>
    public static byte[] Head(string head) => Encoding.Latin1.GetBytes(head + "\r\nConnection: close\r\n\r\n");

    private static async Task<byte[]> ReadAllAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            // A reset after the answer, or no answer in time: judge what arrived.
        }
        return received.ToArray();
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headEnd < 0)
        {
            return new RawResponse(null, new Dictionary<string, string>(), text);
        }
        var lines = text[..headEnd].Split("\r\n");
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => string.Join(", ", group.Select(parts => parts.Length > 1 ? parts[1].Trim() : "")), StringComparer.OrdinalIgnoreCase);
        var body = text[(headEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new RawResponse(int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(chunked.AsSpan(position, lineEnd - position), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }
            body.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }
        return body.ToString();
    }
}
