using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Relay.IntegrationTests.Harness;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Relay.IntegrationTests.Destinations;

/// <summary>
/// A cluster whose breaker and automatic disable act after a few failures, with short cooldowns, so the tests can
/// watch them; the seed-behaviour tests run elsewhere with both effectively off.
/// </summary>
public sealed class DestinationsCluster : RelayCluster
{
    protected override string Purpose => "destinations";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Delivery__RetryBaseDelayMs"] = "200",
        ["Relay__Delivery__SchedulerIntervalMs"] = "100",
        ["Relay__Delivery__CircuitBreakerFailures"] = "3",
        ["Relay__Delivery__CircuitBreakerOpenSeconds"] = "1",
        ["Relay__Delivery__CircuitBreakerMaxOpenSeconds"] = "2",
        ["Relay__Delivery__AutoDisableAfterFailures"] = "4",
        ["Relay__Delivery__AutoDisableAfterSeconds"] = "0",
    };
}

/// <summary>
/// Destinations end to end, through the gateway: fan-out with filters, signatures checked by an implementation we
/// did not write (the StandardWebhooks package), pause and resume, and how Relay treats a receiver's 429/503 with
/// Retry-After, 410 Gone and a long run of failures, against real local HTTP endpoints. Each test gives its
/// destinations an event-type filter of its own, so the destinations of one test never see another's events.
/// </summary>
public sealed class DestinationDeliveryTests(DestinationsCluster cluster) : IClassFixture<DestinationsCluster>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private HttpClient management = null!;
    private HttpClient ingress = null!;
    private Guid acme;

    public async Task InitializeAsync()
    {
        management = cluster.CreateClient(withManagementKey: true);
        ingress = cluster.CreateClient();
        var integrations = await management.GetFromJsonAsync<JsonNode>("/api/v1/integrations?provider=acme");
        acme = Guid.Parse(integrations!["data"]![0]!["id"]!.GetValue<string>());
    }

    public Task DisposeAsync()
    {
        management.Dispose();
        ingress.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_event_fans_out_to_the_destinations_whose_filters_match_and_only_to_those()
    {
        await using var invoices = await CountingSink.StartAsync();
        await using var refunds = await CountingSink.StartAsync();
        await using var large = await CountingSink.StartAsync();
        await CreateAsync(new { url = invoices.Url, eventTypes = new[] { "fan.invoice.*" } });
        await CreateAsync(new { url = refunds.Url, eventTypes = new[] { "fan.refund.created" } });
        await CreateAsync(new { url = large.Url, eventTypes = new[] { "fan.*" }, payloadFilter = "$.data.amount >= 1000 and $.data.currency in [\"EUR\", \"USD\"]" });

        var bigInvoice = await IngestAsync("fan.invoice.paid", new { id = "inv_big", amount = 1500, currency = "EUR" });
        var smallInvoice = await IngestAsync("fan.invoice.paid", new { id = "inv_small", amount = 10, currency = "EUR" });
        var refund = await IngestAsync("fan.refund.created", new { id = "re_1", amount = 2000, currency = "GBP" });

        await WaitProcessedAsync(bigInvoice, smallInvoice, refund);
        Assert.Equal(new[] { bigInvoice, smallInvoice }.Order(), EventIds(invoices).Order());
        Assert.Equal([refund], EventIds(refunds));
        Assert.Equal([bigInvoice], EventIds(large));

        // Each delivery is its own: the big invoice has one to the default destination (the seed's callback URL) and
        // one to each of the two destinations that wanted it, each with its attempt.
        var detail = await EventDetailAsync(bigInvoice);
        var deliveries = detail["deliveries"]!.AsArray();
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, delivery => Assert.Equal(("succeeded", 1), (delivery!["status"]!.GetValue<string>(), delivery["attempts"]!.GetValue<int>())));
        Assert.Single(deliveries, delivery => delivery!["isDefaultDestination"]!.GetValue<bool>());
        Assert.Equal([1, 2, 3], detail["deliveryAttempts"]!.AsArray().Select(a => a!["attemptNo"]!.GetValue<int>()).Order());
        Assert.Equal(("processed", 3), (detail["event"]!["status"]!.GetValue<string>(), detail["event"]!["processingAttempts"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Deliveries_are_signed_the_Standard_Webhooks_way_and_both_secrets_sign_during_a_rotation()
    {
        await using var receiver = await CountingSink.StartAsync();
        var (destination, secret) = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "sig.*" } });

        var first = await IngestAsync("sig.invoice.paid", new { id = "inv_sig", amount = 5, note = "Zoë ✓" });
        var signed = await ArrivalAsync(receiver, first);
        Assert.Equal(first.ToString(), signed.Headers["webhook-id"]);
        Assert.Single(signed.Headers["webhook-signature"].Split(' '));
        new StandardWebhook(secret).Verify(signed.Body, HeadersOf(signed));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(signed.Body.Replace("inv_sig", "inv_sgi", StringComparison.Ordinal), HeadersOf(signed)));

        using var rotation = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/rotate-secret", new { graceSeconds = 3600 });
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var newSecret = (await rotation.ReadJsonAsync())["data"]!["signingSecret"]!.GetValue<string>();
        Assert.NotEqual(secret, newSecret);

        var second = await IngestAsync("sig.invoice.paid", new { id = "inv_sig_2", amount = 6 });
        var rotated = await ArrivalAsync(receiver, second);
        var signatures = rotated.Headers["webhook-signature"].Split(' ');
        Assert.Equal(2, signatures.Length);
        // The package checks only a header's first signature, so each is given to it on its own: the new secret
        // signed the first, the old one the second, and neither verifies the other's.
        new StandardWebhook(newSecret).Verify(rotated.Body, HeadersOf(rotated, signatures[0]));
        new StandardWebhook(secret).Verify(rotated.Body, HeadersOf(rotated, signatures[1]));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(rotated.Body, HeadersOf(rotated, signatures[0])));

        // Without a grace window the old secret stops signing at once.
        using var immediate = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/rotate-secret", new { graceSeconds = 0 });
        var latestSecret = (await immediate.ReadJsonAsync())["data"]!["signingSecret"]!.GetValue<string>();
        var third = await IngestAsync("sig.invoice.paid", new { id = "inv_sig_3", amount = 7 });
        var single = await ArrivalAsync(receiver, third);
        Assert.Single(single.Headers["webhook-signature"].Split(' '));
        new StandardWebhook(latestSecret).Verify(single.Body, HeadersOf(single));
    }

    [Fact]
    public async Task A_paused_destination_receives_nothing_until_resumed_then_everything()
    {
        await using var receiver = await CountingSink.StartAsync();
        var (destination, _) = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "pause.*" } });
        using (var pause = await management.PostAsync($"/api/v1/destinations/{destination}/pause", null))
        {
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        }

        var held = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await IngestAsync("pause.invoice.paid", new { id = $"inv_p{i}", amount = i }));
        }
        // The default destination takes them at once; the paused one holds its deliveries.
        await Webhooks.EventuallyAsync(() => DeliveryStatusesAsync(held[2]), statuses => statuses.Contains("succeeded"), Patience);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(receiver.Received);
        var waiting = await EventDetailAsync(held[0]);
        Assert.Equal("pending", waiting["event"]!["status"]!.GetValue<string>());
        Assert.Contains(waiting["deliveries"]!.AsArray(), d => d!["status"]!.GetValue<string>() == "pending" && d["nextAttemptAt"] is null);

        using (var resume = await management.PostAsync($"/api/v1/destinations/{destination}/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        }
        await WaitProcessedAsync([.. held]);
        Assert.Equal(held.Order(), EventIds(receiver).Order());
    }

    [Fact]
    public async Task Retry_after_is_honoured_up_to_the_policy_maximum()
    {
        await using var receiver = await CountingSink.StartAsync();
        receiver.Answer = arrival => arrival == 1 ? TooManyRequests(retryAfterSeconds: 2) : Results.Accepted();
        await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "later.*" }, retryPolicy = new { maxAttempts = 3, scheduleMs = new[] { 100 } } });

        var honoured = await IngestAsync("later.invoice.paid", new { id = "inv_ra", amount = 1 });
        await WaitProcessedAsync(honoured);
        var arrivals = receiver.Received;
        Assert.Equal(2, arrivals.Count);
        var waited = arrivals[1].At - arrivals[0].At;
        Assert.True(waited >= TimeSpan.FromSeconds(1.9), $"retried after {waited}, not after the 2 s asked for");
        var retry = Assert.Single(await AuditAsync(honoured), entry => entry["action"]!.GetValue<string>() == "event.retry_scheduled");
        Assert.Equal(2000, retry["details"]!["delayMs"]!.GetValue<int>());

        // A receiver asking for an hour gets the policy's maximum (1 s) instead.
        await using var greedy = await CountingSink.StartAsync();
        greedy.Answer = arrival => arrival == 1 ? ServiceUnavailable(retryAfterSeconds: 3600) : Results.Accepted();
        await CreateAsync(new { url = greedy.Url, eventTypes = new[] { "much.later.*" }, retryPolicy = new { maxAttempts = 3, scheduleMs = new[] { 100 }, maxDelayMs = 1000 } });
        var bounded = await IngestAsync("much.later.invoice.paid", new { id = "inv_ra_2", amount = 1 });
        await WaitProcessedAsync(bounded);
        var capped = Assert.Single(await AuditAsync(bounded), entry => entry["action"]!.GetValue<string>() == "event.retry_scheduled");
        Assert.Equal(1000, capped["details"]!["delayMs"]!.GetValue<int>());
        Assert.Equal(2, greedy.Received.Count);
    }

    [Fact]
    public async Task Gone_disables_the_destination_at_once_and_later_events_wait_for_an_operator()
    {
        await using var receiver = await CountingSink.StartAsync();
        receiver.Answer = _ => Results.StatusCode(StatusCodes.Status410Gone);
        var (destination, _) = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "gone.*" } });

        var first = await IngestAsync("gone.invoice.paid", new { id = "inv_gone", amount = 1 });
        await Webhooks.EventuallyAsync(() => DeliveryStatusesAsync(first), statuses => statuses.Contains("failed"), Patience);
        Assert.Single(receiver.Received); // not retried, though the policy allows three attempts
        var view = await DestinationAsync(destination);
        Assert.Equal("disabled", view["status"]!.GetValue<string>());
        Assert.Contains("410", view["disabled"]!["reason"]!.GetValue<string>());
        Assert.NotNull(view["disabled"]!["at"]);

        var second = await IngestAsync("gone.invoice.paid", new { id = "inv_gone_2", amount = 2 });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(receiver.Received);
        Assert.Contains("pending", await DeliveryStatusesAsync(second));

        // The receiver is back; resuming lifts the disable and delivers what waited.
        receiver.Answer = null;
        using var resume = await management.PostAsync($"/api/v1/destinations/{destination}/resume", null);
        Assert.Equal("enabled", (await resume.ReadJsonAsync())["data"]!["status"]!.GetValue<string>());
        await WaitProcessedAsync(second);
        Assert.Equal([first, second], EventIds(receiver));
    }

    [Fact]
    public async Task A_dead_endpoint_trips_its_breaker_is_disabled_after_its_failure_streak_and_never_slows_a_healthy_one()
    {
        await using var dead = await CountingSink.StartAsync();
        dead.Failing = true;
        await using var healthy = await CountingSink.StartAsync();
        var (deadDestination, _) = await CreateAsync(new { url = dead.Url, eventTypes = new[] { "streak.*" }, retryPolicy = new { maxAttempts = 1 } });
        await CreateAsync(new { url = healthy.Url, eventTypes = new[] { "streak.*" } });

        // One at a time, so the dead endpoint's outcomes come in order (the breaker cannot recall a request already
        // sent); each reaches the healthy destination at once, whatever happens to the dead one.
        for (var i = 0; i < 8; i++)
        {
            var eventId = await IngestAsync("streak.invoice.paid", new { id = $"inv_s{i}", amount = i });
            await ArrivalAsync(healthy, eventId);
            await Webhooks.EventuallyAsync(() => DeliveryStatusesAsync(eventId), statuses => statuses.Count(s => s is "failed" or "pending") == 1, Patience);
        }

        // Three failures open the dead one's circuit; after its cooldown one probe fails (the fourth failure in a
        // row), which disables it: the remaining deliveries wait for an operator instead of hammering it.
        var view = await Webhooks.EventuallyAsync(() => DestinationAsync(deadDestination), v => v["status"]!.GetValue<string>() == "disabled", Patience);
        Assert.Equal("disabled", view["status"]!.GetValue<string>());
        Assert.Contains("4 consecutive failed attempts", view["disabled"]!["reason"]!.GetValue<string>());
        Assert.Equal(4, view["health"]!["consecutiveFailures"]!.GetValue<int>());
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var attempts = await management.GetFromJsonAsync<JsonNode>($"/api/v1/destinations/{deadDestination}/attempts?limit=100");
        Assert.Equal(4, attempts!["data"]!.AsArray().Count);
        Assert.Contains(await AuditAsync(deadDestination), entry => entry["action"]!.GetValue<string>() == "destination.disabled");

        // Healed and resumed: the held deliveries go out.
        dead.Failing = false;
        using var resume = await management.PostAsync($"/api/v1/destinations/{deadDestination}/resume", null);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        await Webhooks.EventuallyAsync(() => Task.FromResult(dead.Received.Count), count => count == 4, Patience);
    }

    [Fact]
    public async Task A_test_send_reaches_the_receiver_signed_and_answers_with_what_it_said()
    {
        await using var receiver = await CountingSink.StartAsync();
        receiver.Answer = _ => Results.Json(new { ok = true, access_token = "receiver-secret-token" }, statusCode: StatusCodes.Status200OK);
        var (destination, secret) = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "never.sent.*" } });

        using var response = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/test", new { eventType = "ping.check", data = new { hello = "world" } });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToJsonString());
        var result = json["data"]!;
        Assert.Equal((true, 200), (result["succeeded"]!.GetValue<bool>(), result["httpStatus"]!.GetValue<int>()));
        Assert.Contains("[redacted]", result["responseExcerpt"]!.GetValue<string>());
        Assert.DoesNotContain("receiver-secret-token", json.ToJsonString());

        var arrival = Assert.Single(receiver.Received);
        new StandardWebhook(secret).Verify(arrival.Body, HeadersOf(arrival));
        var payload = JsonNode.Parse(arrival.Body)!;
        Assert.Equal(("ping.check", "world", true), (payload["eventType"]!.GetValue<string>(), payload["data"]!["hello"]!.GetValue<string>(), payload["test"]!.GetValue<bool>()));
        Assert.Contains(await AuditAsync(destination), entry => entry["action"]!.GetValue<string>() == "destination.test_sent");

        using var unknown = await management.PostAsJsonAsync($"/api/v1/destinations/{Guid.NewGuid()}/test", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var invalid = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/test", new { data = "not an object" });
        Assert.Equal("must be a JSON object", (await invalid.ReadJsonAsync())["error"]!["details"]!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recover_sends_the_failed_deliveries_since_a_time_again_as_a_tracked_job()
    {
        await using var receiver = await CountingSink.StartAsync();
        receiver.Failing = true;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (destination, _) = await CreateAsync(new { url = receiver.Url, eventTypes = new[] { "recover.*" }, retryPolicy = new { maxAttempts = 1 } });
        var failed = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var eventId = await IngestAsync("recover.invoice.paid", new { id = $"inv_r{i}", amount = i });
            await Webhooks.EventuallyAsync(() => DeliveryStatusesAsync(eventId), statuses => statuses.Contains("failed"), Patience);
            failed.Add(eventId);
        }
        Assert.Empty(receiver.Received);

        receiver.Failing = false;
        using var response = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/recover", new { since, requestedBy = "ops-recovery" });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, json.ToJsonString());
        var location = response.Headers.Location!.ToString();
        var progress = await Webhooks.EventuallyAsync(
            async () => (await management.GetFromJsonAsync<JsonNode>(location))!["data"]!,
            view => view["status"]!.GetValue<string>() == "completed" && view["succeeded"]!.GetValue<int>() == 2, Patience);
        Assert.Equal((2, 2, 0, 0), (progress["total"]!.GetValue<int>(), progress["requeued"]!.GetValue<int>(), progress["failed"]!.GetValue<int>(), progress["pending"]!.GetValue<int>()));
        await WaitProcessedAsync([.. failed]);
        Assert.Equal(failed.Order(), EventIds(receiver).Order());

        using var future = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/recover", new { since = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal("must not be in the future", (await future.ReadJsonAsync())["error"]!["details"]!["since"]!.GetValue<string>());
        using var missing = await management.PostAsJsonAsync($"/api/v1/destinations/{destination}/recover", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    private async Task<(Guid Id, string SigningSecret)> CreateAsync(object body)
    {
        using var response = await management.PostAsJsonAsync($"/api/v1/integrations/{acme}/destinations", body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return (Guid.Parse(json["data"]!["id"]!.GetValue<string>()), json["data"]!["signingSecret"]!.GetValue<string>());
    }

    private async Task<Guid> IngestAsync(string eventType, object data)
    {
        using var response = await ingress.SendAsync(Webhooks.Acme(Webhooks.AcmeBody(eventType: eventType, data: data)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());
    }

    private async Task<JsonNode> EventDetailAsync(Guid eventId) =>
        (await management.GetFromJsonAsync<JsonNode>($"/api/v1/events/{eventId}"))!["data"]!;

    private async Task<JsonNode> DestinationAsync(Guid destinationId) =>
        (await management.GetFromJsonAsync<JsonNode>($"/api/v1/destinations/{destinationId}"))!["data"]!;

    private async Task<IReadOnlyList<JsonNode>> AuditAsync(Guid entityId) =>
        (await management.GetFromJsonAsync<JsonNode>($"/api/v1/audit-entries?entityId={entityId}&pageSize=100"))!["data"]!.AsArray().Select(e => e!).ToList();

    private async Task<IReadOnlyList<string>> DeliveryStatusesAsync(Guid eventId) =>
        (await EventDetailAsync(eventId))["deliveries"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()).ToList();

    private async Task WaitProcessedAsync(params Guid[] eventIds)
    {
        foreach (var eventId in eventIds)
        {
            var status = await Webhooks.EventuallyAsync(async () => (await EventDetailAsync(eventId))["event"]!["status"]!.GetValue<string>(), s => s == "processed", Patience);
            Assert.True(status == "processed", $"event {eventId} is {status}\n{cluster.Logs()}");
        }
    }

    private static async Task<ReceivedDelivery> ArrivalAsync(CountingSink receiver, Guid eventId)
    {
        await Webhooks.EventuallyAsync(() => Task.FromResult(receiver.HasReceived(eventId.ToString())), received => received, Patience);
        return receiver.Received.Single(delivery => delivery.Headers["x-event-id"] == eventId.ToString());
    }

    private static List<Guid> EventIds(CountingSink sink) => sink.Received.Select(d => Guid.Parse(d.Headers["x-event-id"])).ToList();

    private static HeaderDictionary HeadersOf(ReceivedDelivery delivery, string? signature = null) => new()
    {
        ["webhook-id"] = delivery.Headers["webhook-id"],
        ["webhook-timestamp"] = delivery.Headers["webhook-timestamp"],
        ["webhook-signature"] = signature ?? delivery.Headers["webhook-signature"],
    };

    private static IResult TooManyRequests(int retryAfterSeconds) => new RetryAfterResult(StatusCodes.Status429TooManyRequests, retryAfterSeconds);

    private static IResult ServiceUnavailable(int retryAfterSeconds) => new RetryAfterResult(StatusCodes.Status503ServiceUnavailable, retryAfterSeconds);

    private sealed class RetryAfterResult(int status, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }
}
