using Relay.Infrastructure.Messaging;
using Relay.Ingress.Api.Ingestion;

namespace Relay.UnitTests.Ingress;

public sealed class IngestBatchTests
{
    private static NewEvent Webhook(string idempotencyKey)
    {
        var now = DateTimeOffset.UnixEpoch;
        return new NewEvent(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "acme", idempotencyKey, $"acme:{idempotencyKey}", "{}", [], true,
            "127.0.0.1", now, "invoice.paid", null, now, "{}", "correlation", new OutboxEntry("EventAccepted", "{}", null, null, null, null, null));
    }

    private static HashSet<Guid> Inserted(params NewEvent[] webhooks) => [.. webhooks.Select(webhook => webhook.WebhookId)];

    private static readonly Dictionary<string, Guid> NoneStored = [];

    [Fact]
    public void Only_the_first_webhook_of_each_key_is_written_in_key_order()
    {
        var b = Webhook("b");
        var a = Webhook("a");
        var bAgain = Webhook("b");
        var c = Webhook("c");

        Assert.Equal([a, b, c], IngestBatch.ToWrite([b, a, bAgain, c]));
    }

    [Fact]
    public void Written_webhooks_are_accepted_and_a_second_with_the_same_key_in_the_batch_is_its_duplicate()
    {
        var first = Webhook("a");
        var other = Webhook("b");
        var second = Webhook("a");

        var answers = IngestBatch.Answer([first, other, second], Inserted(first, other), NoneStored);

        Assert.Equal([new StoredEvent(first.EventId, false), new StoredEvent(other.EventId, false), new StoredEvent(first.EventId, true)], answers);
    }

    [Fact]
    public void A_key_already_stored_answers_every_webhook_carrying_it_with_the_stored_event()
    {
        var stored = Guid.NewGuid();
        var first = Webhook("a");
        var second = Webhook("a");
        var fresh = Webhook("b");

        Assert.Equal(["acme:a"], IngestBatch.KeysNotInserted(IngestBatch.ToWrite([first, second, fresh]), Inserted(fresh)));
        var answers = IngestBatch.Answer([first, second, fresh], Inserted(fresh), new Dictionary<string, Guid> { ["acme:a"] = stored });

        Assert.Equal([new StoredEvent(stored, true), new StoredEvent(stored, true), new StoredEvent(fresh.EventId, false)], answers);
    }

    [Fact]
    public void A_retried_write_that_had_committed_answers_as_the_webhooks_own_event()
    {
        var webhook = Webhook("a");

        var answers = IngestBatch.Answer([webhook], Inserted(), new Dictionary<string, Guid> { ["acme:a"] = webhook.EventId });

        Assert.Equal([new StoredEvent(webhook.EventId, false)], answers);
    }

    [Fact]
    public void A_key_neither_inserted_nor_stored_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => IngestBatch.Answer([Webhook("a")], Inserted(), NoneStored));
    }
}
