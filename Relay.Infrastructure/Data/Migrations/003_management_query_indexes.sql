-- Indexes for the management API's filters; the list orderings already have theirs in 001.

-- GET /events?eventType=... (exact match, newest received first by default)
CREATE INDEX IF NOT EXISTS ix_normalized_events_event_type ON normalized_events (event_type, received_at DESC);

-- GET /audit-entries?entityId=... without entityType (001's index leads with entity_type)
CREATE INDEX IF NOT EXISTS ix_audit_entries_entity_id ON audit_entries (entity_id, created_at DESC, id DESC);

-- GET /deliveries?status=failed (newest first)
CREATE INDEX IF NOT EXISTS ix_delivery_attempts_status ON delivery_attempts (status, created_at DESC, id DESC);
