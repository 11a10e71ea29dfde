using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;

namespace Relay.Ingress.Api.Apis;

/// <summary>
/// A local stand-in for a customer's endpoint, so seeded integrations have somewhere to deliver to. Never mapped
/// in Production. <c>simulateFailure: true</c> in the body or in <c>body.data</c> answers 500 to exercise retries.
/// </summary>
public static class DeliverySinkApi
{
    public static RouteGroupBuilder MapDeliverySinkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/internal/delivery-sink");
        api.MapPost("/{provider}", ReceiveDelivery);
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
        if (SimulatesFailure(body) || (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data) && SimulatesFailure(data)))
        {
            return new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "Simulated delivery failure");
        }
        return ApiResults.Accepted(new SinkReceipt(true, provider, timeProvider.GetUtcNow()));
    }

    private static bool SimulatesFailure(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("simulateFailure", out var flag) && flag.ValueKind == JsonValueKind.True;
}
