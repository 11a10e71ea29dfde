-- The exact bytes a provider sent: what its signature covers, and what Relay must be able to show and hand back.
-- raw_payload (jsonb) is a re-serialisation (keys sorted and deduplicated, whitespace, number and escape forms
-- rewritten) and cannot hold some valid JSON at all (\u0000 in a string, numbers beyond numeric's range, unpaired
-- surrogate escapes). Expand only: raw_payload stays, nullable, written by ingest whenever jsonb can hold the body,
-- so versions that still read it keep working; readers take raw_body first.
ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS raw_body bytea;
ALTER TABLE webhook_events ALTER COLUMN raw_payload DROP NOT NULL;

-- Rows received before this migration only have jsonb's form left: their raw_body is that text, the closest thing
-- to the original that still exists.
UPDATE webhook_events SET raw_body = convert_to(raw_payload::text, 'UTF8') WHERE raw_body IS NULL;

-- Every row keeps at least one form of its payload (a version that predates raw_body still writes raw_payload).
ALTER TABLE webhook_events DROP CONSTRAINT IF EXISTS ck_webhook_events_payload_kept;
ALTER TABLE webhook_events ADD CONSTRAINT ck_webhook_events_payload_kept CHECK (raw_body IS NOT NULL OR raw_payload IS NOT NULL);
