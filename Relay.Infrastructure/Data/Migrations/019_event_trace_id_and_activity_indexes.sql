-- The operator console (issue #15): an event's trace id, and what the activity dashboard reads.

-- The W3C trace id (32 lowercase hex) of the request that brought the event in, so an operator can find its trace.
-- Nullable, no default: only the catalog changes, existing rows read as NULL (they predate it).
ALTER TABLE normalized_events ADD COLUMN IF NOT EXISTS trace_id text;

-- GET /stats/activity counts the deliveries that gave up (status failed) by the minute they did. A partial index holds
-- only failed deliveries, so the range scan skips the many that succeeded; a delivery enters it only when it fails.
CREATE INDEX IF NOT EXISTS ix_deliveries_failed_updated_at ON deliveries (updated_at) WHERE status = 'failed';

-- Events by minute use ix_normalized_events_received_at (001), the integration filtering within that range: one more
-- index on normalized_events would cost every ingest insert.
