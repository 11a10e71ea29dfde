using Dapper;
using Relay.Infrastructure.Replays;

namespace Relay.UnitTests.Replays;

public sealed class BulkReplayFilterTests
{
    [Fact]
    public void Only_the_filters_given_become_conditions_with_their_values_as_parameters()
    {
        var parameters = new DynamicParameters();
        var conditions = new BulkReplayFilter(Provider: "acme", Status: "failed", Subject: "50%_off").Conditions(parameters);

        Assert.Equal(@" AND provider = @FilterProvider AND status = @FilterStatus AND subject ILIKE @FilterSubject ESCAPE '\'", conditions);
        Assert.Equal(["FilterProvider", "FilterStatus", "FilterSubject"], parameters.ParameterNames.Order());
        Assert.Equal("acme", parameters.Get<string>("FilterProvider"));
        Assert.Equal(@"%50\%\_off%", parameters.Get<string>("FilterSubject"));
    }

    [Fact]
    public void No_filter_is_no_condition()
    {
        var parameters = new DynamicParameters();
        Assert.Equal("", new BulkReplayFilter().Conditions(parameters));
        Assert.Empty(parameters.ParameterNames);
    }

    [Fact]
    public void Times_are_compared_in_utc_on_the_occurred_and_received_columns()
    {
        var parameters = new DynamicParameters();
        var plusOne = new DateTimeOffset(2026, 11, 20, 11, 0, 0, TimeSpan.FromHours(1));
        var conditions = new BulkReplayFilter(From: plusOne, ReceivedTo: plusOne).Conditions(parameters);

        Assert.Equal(" AND occurred_at >= @FilterFrom AND received_at <= @FilterReceivedTo", conditions);
        Assert.Equal(TimeSpan.Zero, parameters.Get<DateTimeOffset>("FilterFrom").Offset);
        Assert.Equal(plusOne, parameters.Get<DateTimeOffset>("FilterReceivedTo"));
    }

    [Fact]
    public void Stored_json_holds_only_the_fields_given_and_reads_back_the_same()
    {
        var filter = new BulkReplayFilter(IntegrationId: Guid.Parse("6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), EventType: "invoice.paid",
            ReceivedFrom: new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero));

        var json = filter.ToJson();

        Assert.Equal("""{"integrationId":"6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","eventType":"invoice.paid","receivedFrom":"2026-11-02T00:00:00+00:00"}""", json);
        Assert.Equal(filter, BulkReplayFilter.FromJson(json));
        Assert.Equal("{}", new BulkReplayFilter().ToJson());
    }
}
