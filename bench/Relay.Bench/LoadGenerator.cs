using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Relay.Bench;

/// <summary>
/// Sends signed webhooks over HTTP/1.1 keep-alive connections.
/// Open loop (<see cref="RunOpenLoopAsync"/>): a dedicated thread sends webhook i at start + i/rate whatever
/// happened to the earlier ones, and latency is measured from that scheduled time, so a server that stalls is
/// charged for every request that queued behind the stall (no coordinated omission).
/// Closed loop (<see cref="RunClosedLoopAsync"/>): a fixed number of connections each send the next webhook as
/// soon as the previous one is answered; that finds the maximum throughput.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    /// <summary>The open loop never holds more requests than this; beyond it webhooks are counted as errors, not sent.</summary>
    public const int MaxInFlight = 20_000;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The error a shed webhook is counted under.</summary>
    public const string ShedError = "HTTP 503 with Retry-After (shed)";

    private readonly HttpClient client;
    private readonly AcmeWebhooks webhooks;

    public LoadGenerator(AcmeWebhooks webhooks, int maxConnections)
    {
        this.webhooks = webhooks;
        client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            // No traceparent headers: the bench measures Relay, not the cost of propagating our own traces.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        })
        {
            Timeout = RequestTimeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async Task RunOpenLoopAsync(Phase phase, Uri target, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var frequency = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        phase.StartTimestamp = start;
        var scheduler = new Thread(() =>
        {
            long i = 0;
            while (i < total && !cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                var due = now < start ? 0 : Math.Min(total, (long)((now - start) * rate / frequency) + 1);
                for (; i < due; i++)
                {
                    var seq = phase.Next();
                    if (seq < 0)
                    {
                        i = total;
                        break;
                    }
                    var scheduled = start + (long)(i * frequency / rate);
                    if (phase.InFlight >= MaxInFlight)
                    {
                        phase.NotSent(seq, $"not sent: more than {MaxInFlight} requests in flight");
                        continue;
                    }
                    phase.Scheduled(seq, scheduled);
                    _ = SendAsync(phase, seq, target);
                }
                var waitMs = (start + (long)(i * frequency / rate) - Stopwatch.GetTimestamp()) * 1000.0 / frequency;
                if (waitMs >= 1.2)
                {
                    Thread.Sleep(1);
                }
                else if (waitMs > 0)
                {
                    Thread.Yield();
                }
            }
        })
        { IsBackground = true, Name = "open-loop scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        while (scheduler.IsAlive)
        {
            await Task.Delay(50, CancellationToken.None);
        }
        await WaitForAnswersAsync(phase);
        phase.EndTimestamp = Math.Max(start + (long)(duration.TotalSeconds * Stopwatch.Frequency), phase.LastAnswerTimestamp);
    }

    public async Task RunClosedLoopAsync(Phase phase, Uri target, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        phase.StartTimestamp = start;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                var seq = phase.Next();
                if (seq < 0)
                {
                    return;
                }
                phase.Scheduled(seq, Stopwatch.GetTimestamp());
                await SendAsync(phase, seq, target);
            }
        });
        await Task.WhenAll(workers);
        phase.EndTimestamp = Math.Max(phase.LastAnswerTimestamp, start + 1);
    }

    private static async Task WaitForAnswersAsync(Phase phase)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((RequestTimeout.TotalSeconds + 5) * Stopwatch.Frequency);
        while (phase.InFlight > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>Never throws: every outcome, including the client's own failures, is recorded against the webhook.</summary>
    private async Task SendAsync(Phase phase, int seq, Uri target)
    {
        try
        {
            var (body, signature) = webhooks.Create(phase.Index, seq, DateTimeOffset.UtcNow);
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            request.Headers.TryAddWithoutValidation("x-acme-signature", signature);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var answeredAt = Stopwatch.GetTimestamp();
            var status = (int)response.StatusCode;
            switch (status)
            {
                case 202:
                    phase.Completed(seq, Phase.Accepted, answeredAt);
                    break;
                case 200:
                    phase.Completed(seq, Phase.Duplicate, answeredAt, "HTTP 200 (duplicate)");
                    break;
                case 503 when response.Headers.RetryAfter is not null:
                    phase.Completed(seq, Phase.Shed, answeredAt, ShedError);
                    break;
                default:
                    phase.Completed(seq, Phase.Failed, answeredAt, $"HTTP {status}");
                    break;
            }
        }
        catch (Exception exception)
        {
            phase.Completed(seq, Phase.Failed, Stopwatch.GetTimestamp(), Describe(exception));
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        TaskCanceledException => $"timeout ({RequestTimeout.TotalSeconds:0} s)",
        HttpRequestException { InnerException: SocketException socket } => $"socket: {socket.SocketErrorCode}",
        HttpRequestException http => $"http: {http.HttpRequestError}",
        _ => exception.GetType().Name,
    };

    public void Dispose() => client.Dispose();
}
