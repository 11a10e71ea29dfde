using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Replays;

/// <summary>
/// A cluster of its own for bulk replays, since its tests stop and kill Replay.Worker and count every delivery. A job
/// whose worker was killed is resumed after a 5 s lease instead of 30 s, and an idle worker looks for jobs every second.
/// </summary>
public sealed class BulkReplayCluster : RelayCluster
{
    public const int LeaseSeconds = 5;

    protected override string Purpose => "bulk-replay";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Replay__BulkLeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Relay__Replay__BulkPollSeconds"] = "1",
        ["Relay__Replay__BulkMaxEventsPerSecond"] = "5000",
    };
}

[CollectionDefinition(Name)]
public sealed class BulkReplayCollection : ICollectionFixture<BulkReplayCluster>
{
    public const string Name = "bulk replay cluster";
}
