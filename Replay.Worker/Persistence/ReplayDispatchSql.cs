namespace Relay.Replay.Worker.Persistence;

/// <summary>
/// What dispatching replays does to their events, written set-based so that a single replay (arrays of one) and a
/// page of a bulk replay run the very same statements and leave the same state behind. Parameters, in one order:
/// <c>@EventIds</c>, <c>@ReplayRequestIds</c>, <c>@AuditDetails</c> (one <c>replay.dispatched</c> entry per event), and
/// <c>@RequestedBy</c>, the actor. The caller holds the events' row locks or takes them with these updates.
/// </summary>
internal static class ReplayDispatchSql
{
    // A fresh delivery run: pending, and to be fanned out again by Delivery.Worker (on EventReplayed, or by its
    // sweep if that message is lost), which restarts the deliveries to the destinations that match now with a
    // fresh retry budget and drops their leases (an attempt still in flight then has its outcome discarded).
    public const string ResetEvents =
        """
        UPDATE normalized_events e SET
            status = 'pending', next_attempt_at = now(), attempt_budget_start = e.processing_attempts, fanned_out_at = NULL,
            lease_id = NULL, lease_expires_at = NULL, replay_request_id = r.replay_request_id, updated_at = now()
        FROM unnest(@EventIds, @ReplayRequestIds) AS r (event_id, replay_request_id)
        WHERE e.id = r.event_id
        RETURNING e.id
        """;

    // What each replay supersedes: jobs of the previous run that will never run (a queued retry, a job left running
    // by an attempt whose outcome is now discarded), except the replay's own job (its event's newest queued replay
    // job); and an earlier replay request whose run had not finished. The dispatch is audited against the event, as
    // the seed does, so the event's own trail (GET /audit-entries?entityId={eventId}) shows who replayed it and when.
    public const string Supersede =
        """
        UPDATE processing_jobs j SET status = 'failed', completed_at = now(), error_message = 'Superseded by replay ' || r.replay_request_id::text
        FROM unnest(@EventIds, @ReplayRequestIds) AS r (event_id, replay_request_id)
        WHERE j.normalized_event_id = r.event_id AND j.status IN ('queued', 'running')
          AND j.id IS DISTINCT FROM (
              SELECT own.id FROM processing_jobs own
              WHERE own.normalized_event_id = r.event_id AND own.triggered_by = 'replay' AND own.status = 'queued'
              ORDER BY own.created_at DESC, own.id DESC LIMIT 1);

        UPDATE replay_requests q SET status = 'failed', processed_at = now(), failure_reason = 'Superseded by replay ' || r.replay_request_id::text
        FROM unnest(@EventIds, @ReplayRequestIds) AS r (event_id, replay_request_id)
        WHERE q.normalized_event_id = r.event_id AND q.status = 'dispatched' AND q.id <> r.replay_request_id;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        SELECT 'normalized_event', r.event_id, 'replay.dispatched', @RequestedBy, CAST(r.details AS jsonb)
        FROM unnest(@EventIds, @AuditDetails) WITH ORDINALITY AS r (event_id, details, ord)
        ORDER BY r.ord;
        """;
}
