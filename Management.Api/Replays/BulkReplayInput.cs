using Relay.Infrastructure.Replays;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Replays;

/// <summary>
/// The body of <c>POST /replays/bulk</c>: <c>filter</c> (required; see <see cref="BulkReplayFilterInput"/>),
/// <c>dryRun</c> (true: only count what matches), <c>eventsPerSecond</c> (1 to the configured maximum; default from
/// configuration), and as for a single replay <c>requestedBy</c> (2-120 characters, default "api-user") and
/// <c>reason</c> (5-500 characters; required unless it is a dry run).
/// </summary>
public sealed record BulkReplayInput(BulkReplayFilter Filter, bool DryRun, int? EventsPerSecond, string RequestedBy, string? Reason)
{
    public static BodyResult<BulkReplayInput> Parse(ReadOnlyMemory<byte> body, int maxEventsPerSecond)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<BulkReplayInput>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);
        var dryRun = fields.Boolean("dryRun") ?? false;
        BulkReplayFilter? filter = null;
        if (!fields.TryGet("filter", out var value) || value.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            fields.Fail("filter", "is required: an object of event filters ({} replays every event)");
        }
        else
        {
            filter = BulkReplayFilterInput.Read(fields, "filter", value);
        }
        var eventsPerSecond = fields.Integer("eventsPerSecond", 1, maxEventsPerSecond);
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? ReplayRequestInput.DefaultRequestedBy;
        var reason = fields.Text("reason", 5, 500, required: !dryRun);
        fields.RejectUnknown();
        return fields.IsValid && filter is not null
            ? BodyResult<BulkReplayInput>.Valid(new BulkReplayInput(filter, dryRun, eventsPerSecond, requestedBy, reason))
            : BodyResult<BulkReplayInput>.Invalid("Invalid bulk replay request", fields.Errors);
    }
}
