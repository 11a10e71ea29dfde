using System.Collections.Concurrent;
using System.Net;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Lifecycle;

/// <summary>
/// A receiver on loopback (HttpListener, no extra packages) that records every delivery it gets, headers and
/// body, and answers 202 after an optional delay. Lets a test count what actually went over the wire.
/// </summary>
public sealed class LoopbackSink : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<ReceivedDelivery> received = new();
    private readonly Task loop;

    public LoopbackSink(TimeSpan delay)
    {
        Port = RelayCluster.FreePort();
        Delay = delay;
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public TimeSpan Delay { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/relay";

    public IReadOnlyList<ReceivedDelivery> Received => received.ToArray();

    private async Task AcceptLoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(key => key is not null)
            .ToDictionary(key => key!.ToLowerInvariant(), key => context.Request.Headers[key] ?? "");
        received.Enqueue(new ReceivedDelivery(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
        await Task.Delay(Delay);
        context.Response.StatusCode = 202;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync("""{"received":true}"""u8.ToArray());
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}

public sealed record ReceivedDelivery(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
