using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// A customer's endpoint, for tests that count what really went over the wire: a real HTTP server on loopback that
/// records every delivery (method, path, headers, body) and counts them by <c>x-event-id</c>. It can hold each
/// delivery for a while before answering, and be told to fail (500) for a while.
/// </summary>
public sealed class CountingSink : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> arrivals = new();
    private readonly ConcurrentQueue<ReceivedDelivery> received = new();
    private readonly WebApplication app;
    private volatile bool failing;

    private CountingSink(WebApplication app) => this.app = app;

    public int Port { get; private set; }

    /// <summary>The base URL to give <c>Relay:Seed:CallbackBaseUrl</c>; the sink answers a POST on any path.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>A callback URL of the sink's own, for tests that point an integration straight at it.</summary>
    public string Url => $"{BaseUrl}/hooks/relay";

    public IReadOnlyList<ReceivedDelivery> Received => received.ToArray();
    public int TotalArrivals => arrivals.Values.Sum();
    public int DistinctEvents => arrivals.Count;
    public int DuplicateArrivals => arrivals.Values.Sum(count => count - 1);
    public bool HasReceived(string eventId) => arrivals.ContainsKey(eventId);
    public int ArrivalsOf(string eventId) => arrivals.TryGetValue(eventId, out var count) ? count : 0;

    /// <summary>While failing, every delivery gets a 500 (and does not count as delivered).</summary>
    public bool Failing
    {
        get => failing;
        set => failing = value;
    }

    /// <summary>
    /// When set, answers each recorded delivery instead of the 202 (the argument counts the deliveries recorded so
    /// far, this one included), for tests of how Relay treats a receiver's 410, 429, Retry-After.
    /// </summary>
    public Func<int, IResult>? Answer { get; set; }

    /// <param name="delay">How long each delivery is held before the 202, to keep it in flight.</param>
    public static async Task<CountingSink> StartAsync(TimeSpan delay = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new CountingSink(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            if (sink.failing)
            {
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString());
            sink.received.Enqueue(new ReceivedDelivery(context.Request.Method, context.Request.Path, headers, body, DateTimeOffset.UtcNow));
            sink.arrivals.AddOrUpdate(headers.GetValueOrDefault("x-event-id", ""), 1, (_, count) => count + 1);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }
            return sink.Answer is { } answer ? answer(sink.received.Count) : Results.Accepted();
        });
        await app.StartAsync();
        sink.Port = new Uri(app.Urls.First()).Port;
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record ReceivedDelivery(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
