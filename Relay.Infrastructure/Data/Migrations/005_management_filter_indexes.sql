-- Indexes for the management filters added with the stricter queries.

-- GET /audit-entries?actor=... (newest first)
CREATE INDEX IF NOT EXISTS ix_audit_entries_actor ON audit_entries (actor, created_at DESC, id DESC);

-- GET /deliveries?provider=... (the provider's integration, newest first)
CREATE INDEX IF NOT EXISTS ix_delivery_attempts_integration ON delivery_attempts (integration_id, created_at DESC, id DESC);
