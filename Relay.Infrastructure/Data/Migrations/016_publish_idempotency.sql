-- The publish API's Idempotency-Key: per API key, the first request's body hash and its answer, written by Ingress.Api
-- in the same transaction as the event it published, so a key stands for exactly one event. Rows older than the
-- retention (24 h) count as absent and are swept. Expand only: a new table.
CREATE TABLE IF NOT EXISTS publish_idempotency_keys (
    api_key_id       text NOT NULL,           -- api_keys.id as text, or "bootstrap"
    idempotency_key  text NOT NULL,
    request_hash     bytea NOT NULL,          -- SHA-256 of the request body's canonical JSON (key order and spacing do not count)
    event_id         uuid NOT NULL,
    response_status  integer NOT NULL,
    response_body    text NOT NULL,           -- the first answer, byte for byte
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ix_publish_idempotency_keys_created ON publish_idempotency_keys (created_at);
