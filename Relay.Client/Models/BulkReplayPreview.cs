using System.Text.Json;

namespace Relay.Client;

/// <summary>A dry run's answer: how many events the filter matches now and how long replaying them would take. Nothing is stored.</summary>
public sealed record BulkReplayPreview(bool DryRun, long Matching, JsonElement Filter, DateTimeOffset CutoffAt, int EventsPerSecond, double EstimatedSeconds);
