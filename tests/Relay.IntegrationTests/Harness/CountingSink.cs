using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// A customer's endpoint, for tests that count deliveries: a real HTTP server on loopback that records every
/// delivery by its <c>x-event-id</c>, and that can be told to fail (500) for a while.
/// </summary>
public sealed class CountingSink : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> arrivals = new();
    private readonly WebApplication app;
    private volatile bool failing;

    private CountingSink(WebApplication app) => this.app = app;

    public int Port { get; private set; }

    /// <summary>The base URL to give <c>Relay:Seed:CallbackBaseUrl</c>; the sink answers on the seeded sink path.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

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

    public static async Task<CountingSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new CountingSink(app);
        app.MapPost("/api/v1/internal/delivery-sink/{provider}", (HttpContext context) =>
        {
            if (sink.failing)
            {
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }
            var eventId = context.Request.Headers["x-event-id"].ToString();
            sink.arrivals.AddOrUpdate(eventId, 1, (_, count) => count + 1);
            return Results.Accepted();
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
