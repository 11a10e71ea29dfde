-- Bulk replays: every event matching a filter replayed as one tracked job. Expand only: replay_requests gains a
-- nullable column; nothing existing changes.

-- Management.Api writes a job when an operator asks for it (and cancels it); Replay.Worker writes its progress.
CREATE TABLE IF NOT EXISTS bulk_replays (
    id                    uuid PRIMARY KEY,
    -- The filter as asked for (only the fields given): provider, integrationId, status, eventType, subject,
    -- from/to (occurred time), receivedFrom/receivedTo.
    filter                jsonb NOT NULL,
    requested_by          text NOT NULL,
    reason                text NOT NULL,
    correlation_id        text NOT NULL,
    events_per_second     integer NOT NULL CHECK (events_per_second > 0),
    -- Only events received at or before this time are replayed, so webhooks arriving meanwhile never make the job endless.
    cutoff_at             timestamptz NOT NULL,
    total                 integer NOT NULL,             -- events that matched at creation
    status                text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
    replayed              integer NOT NULL DEFAULT 0,
    -- Counted at creation but no longer matching when the job reached them (only a status filter can do that).
    skipped               integer NOT NULL DEFAULT 0,
    -- The keyset position reached: the last replayed (received_at, id); pages continue strictly after it.
    position_received_at  timestamptz NOT NULL DEFAULT '-infinity',
    position_event_id     uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    -- The worker running the job; another may take it over once the lease has expired.
    lease_owner           text,
    lease_expires_at      timestamptz,
    error                 text,
    cancelled_by          text,
    created_at            timestamptz NOT NULL,
    started_at            timestamptz,
    finished_at           timestamptz,
    updated_at            timestamptz NOT NULL
);
-- GET /replays/bulk (newest first, cursor on created_at, id) and the workers' search for jobs to run.
CREATE INDEX IF NOT EXISTS ix_bulk_replays_created_at ON bulk_replays (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_bulk_replays_open ON bulk_replays (created_at, id) WHERE status IN ('queued', 'running');

-- The replay requests a bulk replay made, one per event, so its outcome (completed, failed) can be counted.
ALTER TABLE replay_requests ADD COLUMN IF NOT EXISTS bulk_replay_id uuid;
CREATE INDEX IF NOT EXISTS ix_replay_requests_bulk_replay ON replay_requests (bulk_replay_id, status) WHERE bulk_replay_id IS NOT NULL;
