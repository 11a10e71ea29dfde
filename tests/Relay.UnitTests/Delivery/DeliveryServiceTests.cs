using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;

namespace Relay.UnitTests.Delivery;

public sealed class DeliveryServiceTests
{
    private static readonly ClaimedDelivery Claim = new(
        new DeliveryCandidate { DeliveryId = Guid.NewGuid(), EventId = Guid.NewGuid(), Provider = "acme", Payload = "{}", CorrelationId = "corr-1", DestinationId = Guid.NewGuid(), Url = "http://127.0.0.1:9/hook", IntegrationActive = true },
        Guid.NewGuid(), Attempts: 1, AttemptBudgetStart: 0, ReplayRequestId: null, RecoveryId: null, JobId: Guid.NewGuid());

    private static readonly DeliveryPolicy Seed = DeliveryPolicy.For(new DeliveryOptions(), null, null, 0, null, null, null);

    [Fact]
    public void Retry_audit_names_the_next_attempt_its_delay_the_correlation_id_and_the_reason()
    {
        var result = new DeliveryAttemptResult(true, false, 500, "boom", "Callback answered HTTP 500", 12);
        var verdict = RetryPolicy.Decide(result, Claim.Attempts, Claim.AttemptBudgetStart, Seed, 0);

        var (action, details) = DeliveryService.AuditFor(Claim, result, verdict);

        Assert.Equal("event.retry_scheduled", action);
        var json = JsonNode.Parse(details)!;
        Assert.Equal(3, json["attemptNo"]!.GetValue<int>());
        Assert.Equal(20_000, json["delayMs"]!.GetValue<long>());
        Assert.Equal("corr-1", json["correlationId"]!.GetValue<string>());
        Assert.Equal("Callback answered HTTP 500", json["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Processed_and_failed_audits_name_the_attempt_made()
    {
        var success = new DeliveryAttemptResult(true, true, 202, null, null, 5);
        var processed = DeliveryService.AuditFor(Claim, success, RetryPolicy.Decide(success, 1, 0, Seed, 0));
        Assert.Equal("event.processed", processed.Action);
        Assert.Equal(2, JsonNode.Parse(processed.Details)!["attemptNo"]!.GetValue<int>());

        var refused = new DeliveryAttemptResult(true, false, null, null, "Connection refused", 5);
        var failed = DeliveryService.AuditFor(Claim, refused, RetryPolicy.Decide(refused, 2, 0, Seed, 0));
        Assert.Equal("event.failed", failed.Action);
        Assert.Equal(3, JsonNode.Parse(failed.Details)!["attemptNo"]!.GetValue<int>());
        Assert.Equal("Connection refused", JsonNode.Parse(failed.Details)!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Response_excerpt_is_bounded_to_2_KB_and_free_of_NUL_characters()
    {
        using var large = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(new string('x', 10_000)) };
        Assert.Equal(DeliveryService.ResponseExcerptBytes, (await DeliveryService.ReadExcerptAsync(large, CancellationToken.None))!.Length);

        using var binary = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("a\0b")) };
        Assert.Equal("ab", await DeliveryService.ReadExcerptAsync(binary, CancellationToken.None));

        using var empty = new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
        Assert.Null(await DeliveryService.ReadExcerptAsync(empty, CancellationToken.None));
    }

    [Fact]
    public void Options_reject_a_lease_shorter_than_the_delivery_timeout_allows()
    {
        Assert.True(DeliveryOptions.IsValid(new DeliveryOptions()));
        Assert.False(DeliveryOptions.IsValid(new DeliveryOptions { TimeoutSeconds = 30, LeaseSeconds = 20 }));
        Assert.False(DeliveryOptions.IsValid(new DeliveryOptions { MaxAttempts = 0 }));
        Assert.False(DeliveryOptions.IsValid(new DeliveryOptions { Concurrency = 0 }));
    }
}
