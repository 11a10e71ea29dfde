using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Relay.Bench;

/// <summary>
/// The bench's own Kestrel server on loopback:
/// <c>POST /api/v1/internal/delivery-sink/{provider}</c> — where the seeded integrations deliver (their callback
/// URL is built from <c>Relay:Seed:CallbackBaseUrl</c>); records the first arrival of every bench webhook.
/// <c>POST /ceiling/{provider}</c> — reads the body and answers 202, nothing else: the HTTP ceiling of the machine.
/// </summary>
public sealed class BenchEndpoints : IAsyncDisposable
{
    private static readonly byte[] SinkAnswer = """{"success":true,"data":{"accepted":true}}"""u8.ToArray();

    private readonly WebApplication app;
    private readonly AcmeWebhooks webhooks;
    private readonly ConcurrentDictionary<int, Phase> phases = new();
    private long deliveries;
    private long foreignDeliveries;
    private long deliveriesWithoutHeaders;

    private BenchEndpoints(WebApplication app, AcmeWebhooks webhooks)
    {
        this.app = app;
        this.webhooks = webhooks;
    }

    public Uri BaseAddress { get; private set; } = null!;
    public long Deliveries => Interlocked.Read(ref deliveries);
    /// <summary>Deliveries whose body carries no event id of this run.</summary>
    public long ForeignDeliveries => Interlocked.Read(ref foreignDeliveries);
    /// <summary>Deliveries missing x-event-id, x-correlation-id or x-integration-provider.</summary>
    public long DeliveriesWithoutHeaders => Interlocked.Read(ref deliveriesWithoutHeaders);

    public void Track(Phase phase) => phases[phase.Index] = phase;

    public static async Task<BenchEndpoints> StartAsync(AcmeWebhooks webhooks)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var endpoints = new BenchEndpoints(app, webhooks);
        app.MapPost("/ceiling/{provider}", ReadBodyOnlyAsync);
        app.MapPost("/api/v1/internal/delivery-sink/{provider}", endpoints.ReceiveDeliveryAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoints.BaseAddress = new Uri(address);
        return endpoints;
    }

    private static async Task ReadBodyOnlyAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task ReceiveDeliveryAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        ReadResult result;
        while (true)
        {
            result = await reader.ReadAsync(context.RequestAborted);
            if (result.IsCompleted)
            {
                break;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        var arrivedAt = Stopwatch.GetTimestamp();
        var body = result.Buffer;
        var parsed = body.IsSingleSegment
            ? webhooks.TryParse(body.FirstSpan, out var phaseIndex, out var seq)
            : webhooks.TryParse(body.ToArray(), out phaseIndex, out seq);
        reader.AdvanceTo(body.End);

        Interlocked.Increment(ref deliveries);
        var headers = context.Request.Headers;
        if (!headers.ContainsKey("x-event-id") || !headers.ContainsKey("x-correlation-id") || !headers.ContainsKey("x-integration-provider"))
        {
            Interlocked.Increment(ref deliveriesWithoutHeaders);
        }
        if (parsed && phases.TryGetValue(phaseIndex, out var phase))
        {
            phase.Arrived(seq, arrivedAt);
        }
        else
        {
            Interlocked.Increment(ref foreignDeliveries);
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(SinkAnswer, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Open keep-alive connections from a dying worker; nothing to wait for.
        }
        await app.DisposeAsync();
    }
}
