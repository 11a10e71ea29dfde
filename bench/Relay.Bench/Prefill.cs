using System.Diagnostics;
using Npgsql;

namespace Relay.Bench;

/// <summary>
/// <c>--prefill N</c>: N acme webhooks written straight into the run's database with set-based SQL, each as Ingress
/// and Delivery.Worker would have left it once delivered (webhook, normalized event processed and fanned out, its
/// job succeeded, one delivery succeeded to the default destination with its attempt, three audit entries), spread
/// over the last 30 days. Nothing is pending, so nothing is delivered again; the phases then run over a big database.
/// </summary>
public static class Prefill
{
    private const int ChunkSize = 100_000;

    private const string ChunkSql =
        """
        WITH src AS (
            SELECT g,
                   md5('prefill-w-' || g)::uuid AS webhook_id, md5('prefill-e-' || g)::uuid AS event_id,
                   md5('prefill-j-' || g)::uuid AS job_id, md5('prefill-d-' || g)::uuid AS delivery_id,
                   md5('prefill-a-' || g)::uuid AS attempt_id,
                   now() - interval '30 days' + (g::double precision / @total) * interval '29 days' AS at,
                   format('{"eventId":"prefill_%s","eventType":"invoice.paid","occurredAt":"2026-01-01T00:00:00Z","subject":"cus_%s","data":{"id":"inv_%s","amount":%s}}',
                          g, g % 1000, g, g % 100000) AS body
            FROM generate_series(@from, @to) AS g
        ), integration AS (
            SELECT id FROM integrations WHERE provider = 'acme' AND deleted_at IS NULL
        ), destination AS (
            SELECT d.id FROM destinations d JOIN integration i ON d.integration_id = i.id WHERE d.is_default AND d.deleted_at IS NULL
        ), webhook AS (
            INSERT INTO webhook_events (id, integration_id, provider, external_event_id, idempotency_key, signature_valid, request_headers, raw_body, raw_payload, source_ip, received_at)
            SELECT s.webhook_id, i.id, 'acme', 'prefill_' || s.g, 'acme:prefill_' || s.g, true, '{"content-type":"application/json"}',
                   convert_to(s.body, 'UTF8'), s.body::jsonb, '127.0.0.1', s.at
            FROM src s, integration i
        ), event AS (
            INSERT INTO normalized_events (id, webhook_event_id, integration_id, provider, event_type, subject, occurred_at, normalized_payload, status,
                                           processing_attempts, last_processed_at, correlation_id, received_at, fanned_out_at, created_at, updated_at)
            SELECT s.event_id, s.webhook_id, i.id, 'acme', 'invoice.paid', 'cus_' || (s.g % 1000), '2026-01-01T00:00:00Z', s.body::jsonb, 'processed',
                   1, s.at, 'prefill-' || s.g, s.at, s.at, s.at, s.at
            FROM src s, integration i
        ), delivery AS (
            INSERT INTO deliveries (id, normalized_event_id, destination_id, status, attempts, next_attempt_at, last_attempt_at, created_at, updated_at)
            SELECT s.delivery_id, s.event_id, d.id, 'succeeded', 1, s.at, s.at, s.at, s.at FROM src s, destination d
        ), job AS (
            INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, started_at, completed_at, created_at, delivery_id)
            SELECT s.job_id, s.event_id, 'event-accepted', 'webhook', 'succeeded', 1, s.at, s.at, s.at, s.at, s.delivery_id FROM src s
        ), attempt AS (
            INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, attempt_no, status, http_status, duration_ms, created_at, destination_id, delivery_id, delivery_attempt_no)
            SELECT s.attempt_id, s.event_id, i.id, 1, 'success', 202, 5, s.at, d.id, s.delivery_id, 1 FROM src s, integration i, destination d
        )
        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at)
        SELECT entry.entity_type, entry.entity_id, entry.action, entry.actor, entry.details::jsonb, s.at
        FROM src s, LATERAL (VALUES
            ('webhook_event', s.webhook_id, 'webhook.received', 'acme', format('{"provider":"acme","externalEventId":"prefill_%s"}', s.g)),
            ('normalized_event', s.event_id, 'event.normalized', 'system', '{"eventType":"invoice.paid"}'),
            ('normalized_event', s.event_id, 'event.processed', 'system', '{"httpStatus":202}')) AS entry (entity_type, entity_id, action, actor, details)
        """;

    /// <summary>Writes the events in chunks (one transaction each, so progress shows) and analyzes the tables; returns the time taken.</summary>
    public static async Task<TimeSpan> RunAsync(string connectionString, int events, Action<string> log, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 600 }.ConnectionString);
        await using (var check = dataSource.CreateCommand("SELECT count(*) FROM integrations WHERE provider = 'acme' AND deleted_at IS NULL"))
        {
            if ((long)(await check.ExecuteScalarAsync(cancellationToken) ?? 0L) != 1)
            {
                throw new InvalidOperationException("--prefill: the seeded acme integration is missing");
            }
        }
        for (var from = 1; from <= events; from += ChunkSize)
        {
            var to = Math.Min(events, from + ChunkSize - 1);
            await using var command = dataSource.CreateCommand(ChunkSql);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            command.Parameters.AddWithValue("total", (double)events);
            await command.ExecuteNonQueryAsync(cancellationToken);
            log($"  prefill: {to:N0} of {events:N0} events ({Stopwatch.GetElapsedTime(started).TotalSeconds:0} s)");
        }
        // Fresh statistics, as autovacuum would have gathered them on a database that grew over 30 days.
        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return Stopwatch.GetElapsedTime(started);
    }
}
