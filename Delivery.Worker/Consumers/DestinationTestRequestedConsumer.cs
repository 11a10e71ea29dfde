using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>An operator's test send: deliver it now and answer with what the receiver said.</summary>
public sealed class DestinationTestRequestedConsumer(DeliveryService deliveryService) : IConsumer<DestinationTestRequested>
{
    public async Task Consume(ConsumeContext<DestinationTestRequested> context)
    {
        var message = context.Message;
        var result = await deliveryService.SendTestAsync(message.DestinationId, message.TestId, message.EventType, message.Payload, context.CancellationToken);
        await context.RespondAsync(result is null
            ? new DestinationTestCompleted(message.TestId, Found: false, false, null, 0, "Destination not found", null)
            : new DestinationTestCompleted(message.TestId, Found: true, result.Succeeded, result.HttpStatus, result.DurationMs, result.Error, result.ResponseBody));
    }
}
