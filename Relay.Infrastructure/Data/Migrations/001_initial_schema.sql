-- The seed data model, plus what Relay needs to deliver durably: scheduling and lease columns on
-- normalized_events and a transactional outbox.

CREATE TABLE integrations (
    id              uuid PRIMARY KEY,
    provider        text NOT NULL UNIQUE,
    name            text NOT NULL,
    webhook_secret  text NOT NULL,            -- AES-GCM ciphertext ("v1:..."), never plaintext
    callback_url    text NOT NULL,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_events (
    id                 uuid PRIMARY KEY,
    integration_id     uuid NOT NULL REFERENCES integrations (id),
    provider           text NOT NULL,
    external_event_id  text,
    idempotency_key    text NOT NULL,
    signature_valid    boolean NOT NULL,
    request_headers    jsonb NOT NULL,        -- credential headers are redacted before storage
    raw_payload        jsonb NOT NULL,
    source_ip          inet,
    received_at        timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_webhook_events_idempotency_key ON webhook_events (idempotency_key);

CREATE TABLE normalized_events (
    id                    uuid PRIMARY KEY,
    webhook_event_id      uuid NOT NULL UNIQUE REFERENCES webhook_events (id),
    integration_id        uuid NOT NULL REFERENCES integrations (id),
    provider              text NOT NULL,
    event_type            text NOT NULL,
    subject               text,
    occurred_at           timestamptz NOT NULL,
    normalized_payload    jsonb NOT NULL,
    status                text NOT NULL CHECK (status IN ('pending', 'processing', 'processed', 'retrying', 'failed')),
    processing_attempts   integer NOT NULL DEFAULT 0,
    last_error            text,
    last_processed_at     timestamptz,
    correlation_id        text NOT NULL,
    received_at           timestamptz NOT NULL,  -- copied from webhook_events so list sorting needs no join
    -- Delivery scheduling: when the next attempt is due, which claim owns the event, and where the
    -- current retry budget started (a replay starts a fresh budget).
    next_attempt_at       timestamptz,
    lease_id              uuid,
    lease_expires_at      timestamptz,
    attempt_budget_start  integer NOT NULL DEFAULT 0,
    replay_request_id     uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_normalized_events_received_at ON normalized_events (received_at DESC);
CREATE INDEX ix_normalized_events_created_at ON normalized_events (created_at DESC);
CREATE INDEX ix_normalized_events_occurred_at ON normalized_events (occurred_at DESC);
CREATE INDEX ix_normalized_events_provider_status ON normalized_events (provider, status);
CREATE INDEX ix_normalized_events_due ON normalized_events (next_attempt_at)
    WHERE status IN ('pending', 'retrying');
CREATE INDEX ix_normalized_events_leased ON normalized_events (lease_expires_at)
    WHERE status = 'processing';

CREATE TABLE processing_jobs (
    id                   uuid PRIMARY KEY,
    normalized_event_id  uuid NOT NULL REFERENCES normalized_events (id),
    queue_name           text NOT NULL,
    triggered_by         text NOT NULL CHECK (triggered_by IN ('webhook', 'retry', 'replay', 'seed')),
    status               text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempt_no           integer NOT NULL,
    scheduled_at         timestamptz NOT NULL DEFAULT now(),
    started_at           timestamptz,
    completed_at         timestamptz,
    error_message        text,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_processing_jobs_event ON processing_jobs (normalized_event_id, created_at DESC);

CREATE TABLE delivery_attempts (
    id                   uuid PRIMARY KEY,
    normalized_event_id  uuid NOT NULL REFERENCES normalized_events (id),
    integration_id       uuid NOT NULL REFERENCES integrations (id),
    attempt_no           integer NOT NULL,
    status               text NOT NULL CHECK (status IN ('success', 'failed')),
    http_status          integer,
    response_body        text,
    error_message        text,
    duration_ms          integer NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (normalized_event_id, attempt_no)
);
CREATE INDEX ix_delivery_attempts_created_at ON delivery_attempts (created_at DESC);

CREATE TABLE replay_requests (
    id                   uuid PRIMARY KEY,
    normalized_event_id  uuid NOT NULL REFERENCES normalized_events (id),
    requested_by         text NOT NULL,
    reason               text NOT NULL,
    status               text NOT NULL CHECK (status IN ('queued', 'dispatched', 'completed', 'failed')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    processed_at         timestamptz
);
CREATE INDEX ix_replay_requests_event ON replay_requests (normalized_event_id);

CREATE TABLE audit_entries (
    id           bigserial PRIMARY KEY,
    entity_type  text NOT NULL,
    entity_id    uuid NOT NULL,
    action       text NOT NULL,
    actor        text NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_entries_entity ON audit_entries (entity_type, entity_id);
CREATE INDEX ix_audit_entries_action ON audit_entries (action);
CREATE INDEX ix_audit_entries_created_at ON audit_entries (created_at DESC, id DESC);

-- Messages written in the same transaction as the state they announce, sent to RabbitMQ afterwards.
-- A sent row is deleted; the optional audit columns name the entry written when it is sent.
CREATE TABLE outbox_messages (
    id                 bigserial PRIMARY KEY,
    message_type       text NOT NULL,
    payload            jsonb NOT NULL,
    audit_entity_type  text,
    audit_entity_id    uuid,
    audit_action       text,
    audit_details      jsonb,
    attempts           integer NOT NULL DEFAULT 0,
    last_error         text,
    created_at         timestamptz NOT NULL DEFAULT now()
);
