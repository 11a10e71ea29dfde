-- Why a replay request failed: its delivery run's last error, or the replay that superseded it.
-- Additive: existing rows keep everything they had.
ALTER TABLE replay_requests ADD COLUMN IF NOT EXISTS failure_reason text;

-- Requests that failed before the reason was recorded: where the event's last run is still that request's
-- (nothing replayed it since), the event's last error is the reason. Other failed rows stay without one
-- rather than get a guess.
UPDATE replay_requests r SET failure_reason = e.last_error
FROM normalized_events e
WHERE r.status = 'failed' AND r.failure_reason IS NULL
  AND e.id = r.normalized_event_id AND e.replay_request_id = r.id AND e.status = 'failed';

-- GET /replays (newest first, optionally within a time range)
CREATE INDEX IF NOT EXISTS ix_replay_requests_created_at ON replay_requests (created_at DESC, id DESC);
