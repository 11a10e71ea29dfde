using System.Net;
using Relay.Client;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Client;

/// <summary>
/// Relay.Client against the real services through the gateway: what each resource group sends is what the routes
/// take, and what they answer reads into the typed models, errors included.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RelayClientTests(RelayCluster cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_webhook_becomes_an_event_whose_detail_deliveries_and_attempts_read_typed()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var relay = scenario.Relay;
        var destination = await relay.Destinations.CreateAsync(scenario.Integration.Id,
            new CreateDestinationRequest(scenario.Sink.Url) { EventTypes = ["client.*"], Description = "typed client", RetryPolicy = new RetryPolicy(3, JitterPercent: 10) });
        Assert.StartsWith("whsec_", destination.SigningSecret, StringComparison.Ordinal);
        Assert.Equal(["client.*"], destination.EventTypes);
        Assert.Equal(3, destination.RetryPolicy!.MaxAttempts);

        var eventId = await scenario.SendWebhookAsync("client.created");
        var detail = await Webhooks.EventuallyAsync(() => relay.Events.GetAsync(eventId),
            found => found.Deliveries.Count == 2 && found.Deliveries.All(delivery => delivery.Status == "succeeded"), Patience);

        Assert.Equal(eventId, detail.Event.Id);
        Assert.Equal(scenario.Provider, detail.Event.Provider);
        Assert.Equal("client.created", detail.Event.EventType);
        Assert.Equal(4200, detail.Event.NormalizedPayload.GetProperty("data").GetProperty("amount").GetInt32());
        Assert.True(detail.Webhook.SignatureValid);
        var byExternalId = await relay.Events.ListAsync(new EventListQuery { ExternalEventId = detail.Webhook.ExternalEventId });
        Assert.Equal(eventId, Assert.Single(byExternalId.Items).Id);
        Assert.Matches("^[0-9a-f]{32}$", detail.TraceId);
        Assert.Equal(new[] { destination.Id, scenario.Integration.DefaultDestination.Id }.Order(), detail.Deliveries.Select(delivery => delivery.DestinationId).Order());
        Assert.All(detail.Deliveries, delivery => Assert.Equal("succeeded", delivery.Status));
        Assert.Equal("processed", (await relay.Events.GetStatusAsync(eventId)).Status);
        Assert.Equal("processed", (await relay.Events.GetProcessingStatusAsync(eventId)).Status);

        var attempts = await relay.Deliveries.ListAsync(new DeliveryListQuery { EventId = eventId });
        Assert.Equal(2, attempts.Items.Count);
        Assert.All(attempts.Items, attempt => Assert.Equal(eventId, attempt.NormalizedEventId));
        Assert.Equal(detail.Deliveries.Select(delivery => (delivery.DestinationId, (Guid?)delivery.Id)).Order(),
            attempts.Items.Select(attempt => (attempt.DestinationId!.Value, attempt.DeliveryId)).Order());
        var toDestination = await relay.Destinations.ListAttemptsAsync(destination.Id);
        var attempt = Assert.Single(toDestination.Items);
        Assert.Equal(eventId, attempt.EventId);
        Assert.Equal(destination.Id, attempt.DestinationId);
        Assert.Equal(202, attempt.HttpStatus);
        Assert.Null(toDestination.NextCursor);
        Assert.True(scenario.Sink.HasReceived(eventId.ToString()));

        var listed = await relay.Destinations.ListAsync(scenario.Integration.Id);
        Assert.Equal(2, listed.Items.Count);
        Assert.Contains(listed.Items, item => item.IsDefault && item.Id == scenario.Integration.DefaultDestination.Id);
        var integration = await relay.Integrations.GetAsync(scenario.Integration.Id);
        Assert.Equal("acme", integration.Preset);
        Assert.Equal(scenario.Integration.DefaultDestination.Id, integration.DefaultDestinationId);
        var audit = await relay.AuditEntries.ListAsync(new AuditEntryListQuery { EntityId = scenario.Integration.Id });
        Assert.Contains(audit.Items, entry => entry.Actor == "client-tests");

        // The integration's only webhook, delivered to both destinations, in this minute's activity (or the last
        // one's, when the minute turned meanwhile).
        var activity = await relay.Stats.GetActivityAsync(minutes: 5, integrationId: scenario.Integration.Id);
        Assert.Equal(5, activity.Buckets.Count);
        Assert.Equal(60, activity.BucketSeconds);
        Assert.Equal(new ActivityTotals(Accepted: 1, Delivered: 2, FailedAttempts: 0, Exhausted: 0), activity.Totals);
        Assert.Contains(activity.Buckets, bucket => bucket.Delivered > 0 && bucket.LatencyP50Ms is >= 0 && bucket.LatencyP95Ms >= bucket.LatencyP50Ms);
    }

    [Fact]
    public async Task ListAllAsync_pages_through_every_event_by_cursor()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var sent = new HashSet<Guid>();
        for (var i = 0; i < 7; i++)
        {
            sent.Add(await scenario.SendWebhookAsync($"client.page.{i}"));
        }

        var query = new EventListQuery { Provider = scenario.Provider, Limit = 3 };
        var first = await scenario.Relay.Events.ListAsync(query);
        var listed = new List<Event>();
        await foreach (var item in scenario.Relay.Events.ListAllAsync(query))
        {
            listed.Add(item);
        }

        Assert.Equal(3, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Equal(7, listed.Count);
        Assert.Equal(sent.Order(), listed.Select(item => item.Id).Order());
        // Newest first, as the list orders them.
        Assert.Equal(listed.OrderByDescending(item => item.ReceivedAt).ThenByDescending(item => item.Id).Select(item => item.Id), listed.Select(item => item.Id));
        var second = await scenario.Relay.Events.ListAsync(query with { Cursor = first.NextCursor });
        Assert.Equal(listed.Skip(3).Take(3).Select(item => item.Id), second.Items.Select(item => item.Id));
    }

    [Fact]
    public async Task Replays_single_and_bulk_dry_run_and_real_read_typed()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var relay = scenario.Relay;
        var first = await scenario.SendWebhookAsync("client.replay");
        await scenario.SendWebhookAsync("client.replay");
        await Webhooks.EventuallyAsync(() => relay.Events.GetStatusAsync(first), status => status.Status == "processed", Patience);

        var accepted = await relay.Events.ReplayAsync(first, new ReplayEventRequest("client replay test") { RequestedBy = "client-tests" });
        Assert.Equal(first, accepted.EventId);
        var replay = await relay.Replays.GetAsync(accepted.ReplayRequestId);
        Assert.Equal("client replay test", replay.Reason);
        Assert.Contains((await relay.Replays.ListAsync(new ReplayListQuery { EventId = first })).Items, item => item.Id == accepted.ReplayRequestId);

        var filter = new BulkReplayFilter { Provider = scenario.Provider, EventType = "client.replay" };
        var preview = await relay.BulkReplays.PreviewAsync(new BulkReplayRequest(filter));
        Assert.True(preview.DryRun);
        Assert.Equal(2, preview.Matching);
        Assert.Equal(scenario.Provider, preview.Filter.GetProperty("provider").GetString());

        var job = await relay.BulkReplays.StartAsync(new BulkReplayRequest(filter) { Reason = "client bulk replay test", RequestedBy = "client-tests", EventsPerSecond = 50 });
        Assert.Equal(2, job.Total);
        var done = await Webhooks.EventuallyAsync(() => relay.BulkReplays.GetAsync(job.Id), found => found.Status == "completed", Patience);
        Assert.Equal(2, done.Replayed);
        Assert.Contains((await relay.BulkReplays.ListAsync()).Items, item => item.Id == job.Id);
        var conflict = await Assert.ThrowsAsync<RelayConflictException>(() => relay.BulkReplays.CancelAsync(job.Id, "client-tests"));
        Assert.Equal("CONFLICT", conflict.Code);
        Assert.Equal("completed", conflict.Details!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_destination_pauses_resumes_rotates_tests_and_recovers()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var relay = scenario.Relay;
        var destination = await relay.Destinations.CreateAsync(scenario.Integration.Id, new CreateDestinationRequest(scenario.Sink.Url) { EventTypes = ["client.ops.*"] });

        Assert.Equal("paused", (await relay.Destinations.PauseAsync(destination.Id, "client-tests")).Status);
        Assert.Equal("paused", (await relay.Destinations.GetAsync(destination.Id)).Status);
        Assert.Equal("enabled", (await relay.Destinations.ResumeAsync(destination.Id, "client-tests")).Status);

        var rotated = await relay.Destinations.RotateSecretAsync(destination.Id, new RotateSigningSecretRequest { GraceSeconds = 60 });
        Assert.StartsWith("whsec_", rotated.SigningSecret, StringComparison.Ordinal);
        Assert.NotEqual(destination.SigningSecret, rotated.SigningSecret);
        Assert.NotNull((await relay.Destinations.GetAsync(destination.Id)).SigningSecret.RotatedAt);

        var test = await relay.Destinations.SendTestAsync(destination.Id, new TestSendRequest("client.ops.test") { Data = new { hello = "relay" } });
        Assert.True(test.Succeeded, test.Error);
        Assert.Equal(202, test.HttpStatus);

        var recovery = await relay.Destinations.RecoverAsync(destination.Id, new RecoverDestinationRequest(DateTimeOffset.UtcNow.AddHours(-1)) { RequestedBy = "client-tests" });
        Assert.Equal(destination.Id, recovery.DestinationId);
        var recovered = await Webhooks.EventuallyAsync(() => relay.Recoveries.GetAsync(recovery.Id), found => found.Status == "completed", Patience);
        Assert.Equal(0, recovered.Total);

        var updated = await relay.Destinations.UpdateAsync(destination.Id, new UpdateDestinationRequest { Description = "updated by the client", TimeoutSeconds = 5 });
        Assert.Equal("updated by the client", updated.Description);
        Assert.Equal(5, updated.TimeoutSeconds);
        await relay.Destinations.DeleteAsync(destination.Id, "client-tests");
        await Assert.ThrowsAsync<RelayNotFoundException>(() => relay.Destinations.GetAsync(destination.Id));
    }

    [Fact]
    public async Task An_integration_updates_disables_enables_and_rotates_its_secret()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var relay = scenario.Relay;
        var id = scenario.Integration.Id;

        Assert.Equal("Renamed by the client", (await relay.Integrations.UpdateAsync(id, new UpdateIntegrationRequest { Name = "Renamed by the client" })).Name);
        Assert.False((await relay.Integrations.DisableAsync(id, "client-tests")).IsActive);
        Assert.True((await relay.Integrations.EnableAsync(id, "client-tests")).IsActive);
        var rotated = await relay.Integrations.RotateSecretAsync(id, new RotateIntegrationSecretRequest($"client-secret-{Guid.NewGuid():N}") { GraceSeconds = 0 });
        Assert.NotNull(rotated.InboundSecret.RotatedAt);
        Assert.Contains(await relay.Integrations.ListAllAsync(new IntegrationListQuery { Provider = scenario.Provider }).ToListAsync(), item => item.Id == id);
    }

    [Fact]
    public async Task Publishing_with_an_idempotency_key_answers_the_first_answer_again()
    {
        await using var scenario = await ClientScenario.StartAsync(cluster);
        var key = $"client-{Guid.NewGuid():N}";
        var request = new PublishEventRequest("client.published", new { id = "ord_1", total = 12 }) { Provider = scenario.Provider };

        var first = await scenario.Relay.Events.PublishAsync(request, key);
        var again = await scenario.Relay.Events.PublishAsync(request, key);

        Assert.False(first.IdempotentReplay);
        Assert.True(again.IdempotentReplay);
        Assert.Equal(first.EventId, again.EventId);
        Assert.Equal("ord_1", (await scenario.Relay.Events.GetAsync(first.EventId)).Event.Subject);
        var reused = await Assert.ThrowsAsync<RelayConflictException>(() => scenario.Relay.Events.PublishAsync(request with { EventType = "client.other" }, key));
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", reused.Code);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_with_the_typed_unauthorized_error()
    {
        using var admin = ClientScenario.AdminClient(cluster);
        var created = await admin.ApiKeys.CreateAsync(new CreateApiKeyRequest($"client test {Guid.NewGuid():N}", ["read"]));
        Assert.StartsWith("rly_", created.Key, StringComparison.Ordinal);
        using var reader = ClientScenario.ClientWith(cluster, created.Key);

        await reader.Integrations.ListAsync();
        var current = await reader.ApiKeys.GetCurrentAsync();
        Assert.Equal((created.Id.ToString(), created.Name, created.Prefix, "read"), (current.KeyId, current.Name, current.Prefix, Assert.Single(current.Scopes)));
        Assert.Equal(created.Prefix, (await admin.ApiKeys.GetAsync(created.Id)).Prefix);
        Assert.Contains(await admin.ApiKeys.ListAllAsync(new ApiKeyListQuery { ActiveOnly = true }).ToListAsync(), key => key.Id == created.Id);
        var forbidden = await Assert.ThrowsAsync<RelayForbiddenException>(() => reader.ApiKeys.ListAsync());
        Assert.Equal("FORBIDDEN", forbidden.Code);

        var revoked = await admin.ApiKeys.RevokeAsync(created.Id, "client-tests");
        Assert.NotNull(revoked.RevokedAt);
        var refused = await Assert.ThrowsAsync<RelayUnauthorizedException>(() => reader.Integrations.ListAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("UNAUTHORIZED", refused.Code);
        Assert.False(string.IsNullOrEmpty(refused.RequestId));
    }

    [Fact]
    public async Task Not_found_and_invalid_input_are_typed_with_code_details_and_request_id()
    {
        using var relay = ClientScenario.AdminClient(cluster);

        var notFound = await Assert.ThrowsAsync<RelayNotFoundException>(() => relay.Events.GetAsync(Guid.NewGuid()));
        Assert.Equal("NOT_FOUND", notFound.Code);
        Assert.Equal("Event not found", notFound.Message);
        Assert.False(string.IsNullOrEmpty(notFound.RequestId));

        var invalid = await Assert.ThrowsAsync<RelayValidationException>(() => relay.Events.ListAsync(new EventListQuery { Limit = 1000 }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("VALIDATION_ERROR", invalid.Code);
        Assert.Contains("limit", invalid.Errors.Keys);
        Assert.False(string.IsNullOrEmpty(invalid.RequestId));

        var body = await Assert.ThrowsAsync<RelayValidationException>(() => relay.ApiKeys.CreateAsync(new CreateApiKeyRequest("x", ["everything"])));
        Assert.Contains("scopes", body.Errors.Keys);
    }

    [Fact]
    public async Task The_gateway_health_reads_typed()
    {
        using var relay = ClientScenario.AdminClient(cluster);

        var health = await relay.Health.GetAsync();

        Assert.True(health.IsHealthy, string.Join(", ", health.Checks.Select(check => $"{check.Key}={check.Value.Status}")));
        Assert.NotEmpty(health.Checks);
    }
}
