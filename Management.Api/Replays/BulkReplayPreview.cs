using System.Text.Json;

namespace Relay.Management.Api.Replays;

/// <summary>
/// A dry run's answer: how many events the filter matches now (received at or before <see cref="CutoffAt"/>) and how
/// long replaying them would take at <see cref="EventsPerSecond"/>. Nothing is stored.
/// </summary>
public sealed record BulkReplayPreview(bool DryRun, long Matching, JsonElement Filter, DateTimeOffset CutoffAt, int EventsPerSecond, double EstimatedSeconds);
