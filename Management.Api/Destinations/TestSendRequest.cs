using System.Text.Json;
using Relay.Infrastructure.Destinations;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The optional body of <c>POST /destinations/{id}/test</c>: <c>{eventType?, data?, requestedBy?}</c>. The receiver
/// gets a payload shaped like every normalized event's, with <c>data</c> (default <c>{}</c>) and the event type
/// (default <c>relay.test</c>), signed like any delivery.
/// </summary>
public sealed record TestSendRequest(string EventType, JsonElement Data, string RequestedBy)
{
    public const string DefaultEventType = "relay.test";

    public static BodyResult<TestSendRequest> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<TestSendRequest>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);
        var eventType = fields.Text("eventType", 1, EventTypeFilter.MaxPatternLength) ?? DefaultEventType;
        var data = JsonDocument.Parse("{}").RootElement;
        if (fields.TryGet("data", out var value))
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                fields.Fail("data", "must be a JSON object");
            }
            else
            {
                data = value.Clone();
            }
        }
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? DestinationInput.DefaultRequestedBy;
        fields.RejectUnknown();
        return fields.IsValid
            ? BodyResult<TestSendRequest>.Valid(new TestSendRequest(eventType, data, requestedBy))
            : BodyResult<TestSendRequest>.Invalid("Invalid test request", fields.Errors);
    }
}
