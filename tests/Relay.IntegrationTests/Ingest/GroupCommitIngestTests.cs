using System.Net;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Ingest writes the webhooks that arrive together in one transaction (group commit): under concurrency each is still
/// answered on its own, after its rows are committed, and idempotency holds inside a batch as across batches.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class GroupCommitIngestTests(RelayCluster cluster)
{
    private readonly HttpClient client = cluster.CreateClient();

    /// <summary>
    /// Sends as a provider would: a webhook shed with 503 OVERLOADED (nothing stored; on a slow machine two hundred at
    /// once can exceed Ingress's admission queue) is sent again after its Retry-After.
    /// </summary>
    private async Task<(HttpStatusCode Status, Guid EventId, bool Duplicate)> SendAsync(string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.SendAsync(Webhooks.Acme(body));
            var json = await response.ReadJsonAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && json["error"]?["code"]?.GetValue<string>() == "OVERLOADED" && attempt < 20)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            var data = json["data"] ?? throw new InvalidOperationException($"answered {(int)response.StatusCode}: {json.ToJsonString()}");
            return (response.StatusCode, Guid.Parse(data["eventId"]!.GetValue<string>()), data["duplicate"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_webhooks_are_each_accepted_once_and_stored_with_all_their_rows()
    {
        var marker = Guid.NewGuid().ToString("N");
        var externalIds = Enumerable.Range(0, 200).Select(i => $"evt_{marker}_{i}").ToArray();

        var answers = await Task.WhenAll(externalIds.Select(id => SendAsync(Webhooks.AcmeBody(id, subject: id))));

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.Accepted, false), (answer.Status, answer.Duplicate)));
        Assert.Equal(200, answers.Select(answer => answer.EventId).Distinct().Count());
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var eventIds = answers.Select(answer => answer.EventId).ToArray();
        // Every answered event has its webhook (under its own id), its job (the delivery worker may have run it already) and both audit entries, with their details.
        var stored = (await connection.QueryAsync<(Guid EventId, string ExternalEventId, string Subject, int Jobs, int ReceivedAudits, int NormalizedAudits)>(
            """
            SELECT e.id, w.external_event_id, e.subject,
                   (SELECT count(*) FROM processing_jobs j WHERE j.normalized_event_id = e.id AND j.triggered_by = 'webhook'),
                   (SELECT count(*) FROM audit_entries a WHERE a.entity_id = w.id AND a.action = 'webhook.received' AND a.actor = 'acme'
                        AND a.details = jsonb_build_object('provider', 'acme', 'externalEventId', w.external_event_id, 'idempotencyKey', w.idempotency_key,
                                                           'sourceIp', host(w.source_ip), 'correlationId', e.correlation_id)),
                   (SELECT count(*) FROM audit_entries a WHERE a.entity_id = e.id AND a.action = 'event.normalized' AND a.actor = 'system'
                        AND a.details = jsonb_build_object('eventType', e.event_type, 'subject', e.subject, 'correlationId', e.correlation_id))
            FROM normalized_events e JOIN webhook_events w ON w.id = e.webhook_event_id
            WHERE e.id = ANY(@eventIds)
            """, new { eventIds })).ToList();
        Assert.Equal(200, stored.Count);
        Assert.Equal(externalIds.Order(), stored.Select(row => row.ExternalEventId).Order());
        Assert.All(stored, row => Assert.Equal((row.ExternalEventId, 1, 1, 1), (row.Subject, row.Jobs, row.ReceivedAudits, row.NormalizedAudits)));
        Assert.Equal(200, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM webhook_events WHERE external_event_id LIKE @pattern", new { pattern = $"evt_{marker}_%" }));
    }

    [Fact]
    public async Task Webhooks_sharing_an_idempotency_key_in_flight_together_make_one_event_and_the_others_are_its_duplicates()
    {
        // Ten keys, each sent twelve times at once among the others: most copies get past Redis before the first is
        // committed, so they meet in the same batch or in batches in flight together.
        var keys = Enumerable.Range(0, 10).Select(_ => $"evt_{Guid.NewGuid():N}").ToArray();
        var bodies = keys.ToDictionary(key => key, key => Webhooks.AcmeBody(key));
        var sends = Enumerable.Range(0, 12).SelectMany(_ => keys).Select(async key => (Key: key, Answer: await SendAsync(bodies[key]))).ToArray();

        var answers = await Task.WhenAll(sends);

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        foreach (var perKey in answers.GroupBy(sent => sent.Key, sent => sent.Answer))
        {
            var accepted = Assert.Single(perKey, answer => answer.Status == HttpStatusCode.Accepted);
            Assert.False(accepted.Duplicate);
            Assert.All(perKey.Where(answer => answer.Status != HttpStatusCode.Accepted),
                answer => Assert.Equal((HttpStatusCode.OK, accepted.EventId, true), (answer.Status, answer.EventId, answer.Duplicate)));
            var rows = await connection.QuerySingleAsync<(int Webhooks, int Events, int Audits)>(
                """
                SELECT (SELECT count(*) FROM webhook_events WHERE external_event_id = @key),
                       (SELECT count(*) FROM normalized_events e JOIN webhook_events w ON w.id = e.webhook_event_id WHERE w.external_event_id = @key),
                       (SELECT count(*) FROM audit_entries WHERE action = 'webhook.received' AND details->>'externalEventId' = @key)
                """, new { key = perKey.Key });
            Assert.Equal((1, 1, 1), rows);
        }
    }
}
