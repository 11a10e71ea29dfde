using Dapper;
using Npgsql;

namespace Relay.Management.Api.Data;

/// <summary>
/// Activity per minute for the dashboard. Each count is one range scan of an indexed time column (a bounded window,
/// however big the tables), grouped by minute in the database: events by <c>received_at</c>, attempts by
/// <c>created_at</c> (each successful one looks its event's <c>received_at</c> up by primary key for the latency: a
/// subquery rather than a join, which the planner may answer by reading every event), deliveries that gave up by
/// <c>updated_at</c> in their partial index (migration 019).
/// </summary>
public sealed class StatsRepository(NpgsqlDataSource dataSource)
{
    /// <param name="from">The start of the first minute (whole minute, UTC).</param>
    /// <param name="minutes">How many minutes from <paramref name="from"/>, each one bucket.</param>
    public async Task<IReadOnlyList<ActivityBucket>> ReadActivityAsync(DateTime from, int minutes, Guid? integrationId, CancellationToken cancellationToken)
    {
        var forEvents = integrationId is null ? "" : "AND integration_id = @IntegrationId";
        var forAttempts = integrationId is null ? "" : "AND a.integration_id = @IntegrationId";
        var forDeliveries = integrationId is null ? "" : "AND destination_id IN (SELECT id FROM destinations WHERE integration_id = @IntegrationId)";
        // date_bin from @From puts each row in its bucket whatever the session's time zone. Both percentiles come from
        // one aggregate, so each attempt's event is looked up once.
        var sql =
            $"""
            WITH minutes AS (
                SELECT generate_series(@From, @Until - interval '1 minute', interval '1 minute') AS start
            ), accepted AS (
                SELECT date_bin(interval '1 minute', received_at, @From) AS start, count(*) AS accepted
                FROM normalized_events
                WHERE received_at >= @From AND received_at < @Until {forEvents}
                GROUP BY 1
            ), attempts AS (
                SELECT date_bin(interval '1 minute', a.created_at, @From) AS start,
                       count(*) FILTER (WHERE a.status = 'success') AS delivered,
                       count(*) FILTER (WHERE a.status = 'failed') AS failed_attempts
                FROM delivery_attempts a
                WHERE a.created_at >= @From AND a.created_at < @Until {forAttempts}
                GROUP BY 1
            ), latency AS (
                SELECT l.start, percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY l.ms) AS percentiles
                FROM (
                    SELECT date_bin(interval '1 minute', a.created_at, @From) AS start,
                           extract(epoch FROM a.created_at - (SELECT e.received_at FROM normalized_events e WHERE e.id = a.normalized_event_id)) * 1000 AS ms
                    FROM delivery_attempts a
                    WHERE a.status = 'success' AND a.created_at >= @From AND a.created_at < @Until {forAttempts}) l
                GROUP BY l.start
            ), exhausted AS (
                SELECT date_bin(interval '1 minute', updated_at, @From) AS start, count(*) AS exhausted
                FROM deliveries
                WHERE status = 'failed' AND updated_at >= @From AND updated_at < @Until {forDeliveries}
                GROUP BY 1
            )
            SELECT m.start,
                   coalesce(ac.accepted, 0)::int AS accepted,
                   coalesce(at.delivered, 0)::int AS delivered,
                   coalesce(at.failed_attempts, 0)::int AS failed_attempts,
                   coalesce(ex.exhausted, 0)::int AS exhausted,
                   round(la.percentiles[1])::bigint AS latency_p50_ms,
                   round(la.percentiles[2])::bigint AS latency_p95_ms
            FROM minutes m
            LEFT JOIN accepted ac ON ac.start = m.start
            LEFT JOIN attempts at ON at.start = m.start
            LEFT JOIN latency la ON la.start = m.start
            LEFT JOIN exhausted ex ON ex.start = m.start
            ORDER BY m.start
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var buckets = await connection.QueryAsync<ActivityBucket>(new CommandDefinition(
            sql, new { From = from, Until = from.AddMinutes(minutes), IntegrationId = integrationId }, cancellationToken: cancellationToken));
        return buckets.AsList();
    }
}
