namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// How a group-committed batch of webhooks is written and answered. Only the first webhook of each idempotency key
/// is written, so two with the same key in one batch never meet in the unique index; the written ones go in key
/// order, so two batches in flight at once that share keys take their index locks in the same order (no deadlock).
/// </summary>
public static class IngestBatch
{
    /// <summary>The webhooks to write: the first of each idempotency key, in key order.</summary>
    public static List<NewEvent> ToWrite(IReadOnlyList<NewEvent> batch)
    {
        var firsts = new Dictionary<string, NewEvent>(batch.Count, StringComparer.Ordinal);
        foreach (var newEvent in batch)
        {
            firsts.TryAdd(newEvent.IdempotencyKey, newEvent);
        }
        var toWrite = firsts.Values.ToList();
        toWrite.Sort((left, right) => string.CompareOrdinal(left.IdempotencyKey, right.IdempotencyKey));
        return toWrite;
    }

    /// <summary>
    /// One answer per webhook, in the batch's order. A webhook whose row was written is accepted; another with its key
    /// in the batch is a duplicate of it. A key that was already stored answers with the stored event: a duplicate,
    /// unless that event is this very webhook's (a retry of a write that committed but whose answer was lost).
    /// </summary>
    /// <param name="insertedWebhookIds">The webhook rows the write inserted.</param>
    /// <param name="storedEventIds">For the keys not inserted, the event already stored under each.</param>
    public static IReadOnlyList<StoredEvent> Answer(IReadOnlyList<NewEvent> batch, IReadOnlySet<Guid> insertedWebhookIds, IReadOnlyDictionary<string, Guid> storedEventIds)
    {
        var answers = new StoredEvent[batch.Count];
        var firsts = new Dictionary<string, NewEvent>(batch.Count, StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var newEvent = batch[i];
            var first = firsts.TryGetValue(newEvent.IdempotencyKey, out var earlier) ? earlier : firsts[newEvent.IdempotencyKey] = newEvent;
            if (insertedWebhookIds.Contains(first.WebhookId))
            {
                answers[i] = new StoredEvent(first.EventId, Duplicate: !ReferenceEquals(first, newEvent));
            }
            else if (storedEventIds.TryGetValue(newEvent.IdempotencyKey, out var storedEventId))
            {
                answers[i] = new StoredEvent(storedEventId, Duplicate: storedEventId != newEvent.EventId);
            }
            else
            {
                throw new InvalidOperationException($"Idempotency key {newEvent.IdempotencyKey} conflicted but no event carries it.");
            }
        }
        return answers;
    }

    /// <summary>The keys of the webhooks written that the write did not insert (already stored): those to look up.</summary>
    public static string[] KeysNotInserted(IReadOnlyList<NewEvent> written, IReadOnlySet<Guid> insertedWebhookIds) =>
        written.Where(newEvent => !insertedWebhookIds.Contains(newEvent.WebhookId)).Select(newEvent => newEvent.IdempotencyKey).ToArray();
}
