using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;
using Relay.Ingress.Api.Ingestion;

namespace Relay.Ingress.Api.Apis;

/// <summary>
/// A local stand-in for a customer's endpoint, so seeded integrations have somewhere to deliver to. Never mapped
/// in Production. <c>simulateFailure: true</c> in the body or in <c>body.data</c> answers 500 to exercise retries;
/// <c>simulateDelayMs</c> (there too, at most 10000) holds the answer back so a delivery stays in flight.
/// It takes any body an accepted webhook can become (<see cref="IngressOptions.MaxDeliveryBodyBytes"/>), which is
/// more than the webhook limit this service's Kestrel applies to everything else.
/// </summary>
public static class DeliverySinkApi
{
    private const int MaxSimulatedDelayMs = 10_000;

    public static RouteGroupBuilder MapDeliverySinkApi(this IEndpointRouteBuilder app)
    {
        var maxDeliveryBodyBytes = app.ServiceProvider.GetRequiredService<IOptions<IngressOptions>>().Value.MaxDeliveryBodyBytes;
        var api = app.MapGroup("/api/v1/internal/delivery-sink");
        api.MapPost("/{provider}", ReceiveDelivery)
            .WithMetadata(new RequestSizeLimitAttribute(maxDeliveryBodyBytes));
        return api;
    }

    public sealed record SinkReceipt(bool Accepted, string Provider, DateTimeOffset ReceivedAt);

    public static async Task<Results<Accepted<ApiEnvelope<SinkReceipt>>, ApiError>> ReceiveDelivery(string provider, HttpRequest request, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = (await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken));
        }
        catch (JsonException)
        {
            return ApiError.Validation("Request body must be JSON");
        }
        var delayMs = Math.Max(SimulatedDelayMs(body), body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var dataForDelay) ? SimulatedDelayMs(dataForDelay) : 0);
        if (delayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs), timeProvider, cancellationToken);
        }
        if (SimulatesFailure(body) || (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data) && SimulatesFailure(data)))
        {
            return new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "Simulated delivery failure");
        }
        return ApiResults.Accepted(new SinkReceipt(true, provider, timeProvider.GetUtcNow()));
    }

    private static int SimulatedDelayMs(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("simulateDelayMs", out var delay) && delay.ValueKind == JsonValueKind.Number && delay.TryGetInt32(out var milliseconds)
            ? Math.Clamp(milliseconds, 0, MaxSimulatedDelayMs)
            : 0;

    private static bool SimulatesFailure(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("simulateFailure", out var flag) && flag.ValueKind == JsonValueKind.True;
}
