-- Destinations: the endpoints an integration's events fan out to, each with its own filters, signing secret and
-- delivery policy, and one delivery per (event, destination) carrying its own attempts, status and retries.
-- Expand only: every existing table keeps its columns and rows; normalized_events keeps its status (now derived
-- from the event's deliveries) and its old scheduling columns (no longer written for new events).

-- Written by Management.Api (and, for an integration's default destination, by whoever creates the integration).
CREATE TABLE IF NOT EXISTS destinations (
    id                          uuid PRIMARY KEY,
    integration_id              uuid NOT NULL REFERENCES integrations (id),
    -- The default destination is the integration's seed callback_url: its url is NULL and it follows that column,
    -- so the seed contract's behaviour is exactly one destination that takes every event.
    is_default                  boolean NOT NULL DEFAULT false,
    url                         text,
    description                 text,
    event_types                 text[] NOT NULL DEFAULT '{}',  -- empty: every type
    payload_filter              text,                          -- NULL: every payload
    headers                     jsonb NOT NULL DEFAULT '{}'::jsonb,
    timeout_seconds             integer,                       -- NULL: Relay:Delivery:TimeoutSeconds
    max_attempts                integer,                       -- NULL: Relay:Delivery:MaxAttempts
    retry_schedule_ms           integer[],                     -- NULL: Relay:Delivery:RetryBaseDelayMs × 2^(n−1)
    retry_jitter_percent        integer NOT NULL DEFAULT 0,
    max_retry_delay_ms          integer,                       -- NULL: one hour
    rate_limit_per_second       integer,                       -- NULL: no limit
    paused                      boolean NOT NULL DEFAULT false,
    -- An operator's resume also clears an automatic disable older than it (destination_health.disabled_at).
    resumed_at                  timestamptz,
    signing_secret              text,                          -- AES-GCM ciphertext of "whsec_..."; NULL until generated
    previous_signing_secret     text,                          -- still signed with until the grace window ends
    previous_secret_expires_at  timestamptz,
    deleted_at                  timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_destinations_url CHECK (is_default OR url IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_destinations_default ON destinations (integration_id) WHERE is_default AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_destinations_integration ON destinations (integration_id, created_at, id) WHERE deleted_at IS NULL;

-- What Delivery.Worker learns about a destination while delivering (its only writer): the failure streak behind
-- automatic disabling, and the circuit breaker.
CREATE TABLE IF NOT EXISTS destination_health (
    destination_id        uuid PRIMARY KEY REFERENCES destinations (id),
    consecutive_failures  integer NOT NULL DEFAULT 0,
    failing_since         timestamptz,
    last_success_at       timestamptz,
    last_failure_at       timestamptz,
    last_error            text,
    disabled_at           timestamptz,
    disabled_reason       text,
    circuit_open_until    timestamptz,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- One per (event, destination), written by Delivery.Worker: the fan-out creates them, claims and outcomes update them.
CREATE TABLE IF NOT EXISTS deliveries (
    id                    uuid PRIMARY KEY,
    normalized_event_id   uuid NOT NULL REFERENCES normalized_events (id),
    destination_id        uuid NOT NULL REFERENCES destinations (id),
    status                text NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'retrying', 'failed')),
    attempts              integer NOT NULL DEFAULT 0,
    attempt_budget_start  integer NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz NOT NULL,
    lease_id              uuid,
    lease_expires_at      timestamptz,
    last_error            text,
    last_attempt_at       timestamptz,
    replay_request_id     uuid,
    recovery_id           uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (normalized_event_id, destination_id)
);
CREATE INDEX IF NOT EXISTS ix_deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS ix_deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'processing';
CREATE INDEX IF NOT EXISTS ix_deliveries_destination ON deliveries (destination_id, status, updated_at);

-- Set when an event's deliveries have been created, so an event is fanned out once: a destination added later
-- does not receive old events unless an operator recovers them.
ALTER TABLE normalized_events ADD COLUMN IF NOT EXISTS fanned_out_at timestamptz;

-- Attempts and jobs name their delivery. attempt_no stays the event's own sequence (unique per event, as in the
-- seed); delivery_attempt_no counts within the delivery.
ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS destination_id uuid;
ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS delivery_id uuid;
ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS delivery_attempt_no integer;
CREATE INDEX IF NOT EXISTS ix_delivery_attempts_destination ON delivery_attempts (destination_id, created_at DESC, id DESC);
ALTER TABLE processing_jobs ADD COLUMN IF NOT EXISTS delivery_id uuid;

-- Operator-requested re-sends of a destination's failed deliveries (written by Management.Api when requested,
-- then by Delivery.Worker as it works through them).
CREATE TABLE IF NOT EXISTS destination_recoveries (
    id              uuid PRIMARY KEY,
    destination_id  uuid NOT NULL REFERENCES destinations (id),
    since           timestamptz NOT NULL,
    requested_by    text NOT NULL,
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    total           integer,
    requeued        integer NOT NULL DEFAULT 0,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz
);
CREATE INDEX IF NOT EXISTS ix_destination_recoveries_destination ON destination_recoveries (destination_id, created_at DESC);

-- Every existing integration gets its default destination (its secret is generated by Management.Api at start,
-- since only the application can encrypt it), and existing events and attempts are tied to it.
INSERT INTO destinations (id, integration_id, is_default, created_at, updated_at)
SELECT gen_random_uuid(), i.id, true, i.created_at, now() FROM integrations i
WHERE NOT EXISTS (SELECT 1 FROM destinations d WHERE d.integration_id = i.id AND d.is_default AND d.deleted_at IS NULL);

-- Existing events become one delivery each to their integration's default destination, carrying the state the
-- event had, so retries and leases in flight during the upgrade continue.
INSERT INTO deliveries (id, normalized_event_id, destination_id, status, attempts, attempt_budget_start, next_attempt_at,
                        lease_id, lease_expires_at, last_error, last_attempt_at, replay_request_id, created_at, updated_at)
SELECT gen_random_uuid(), e.id, d.id,
       CASE e.status WHEN 'processed' THEN 'succeeded' ELSE e.status END,
       e.processing_attempts, e.attempt_budget_start, coalesce(e.next_attempt_at, e.created_at),
       e.lease_id, e.lease_expires_at, e.last_error, e.last_processed_at, e.replay_request_id, e.created_at, now()
FROM normalized_events e
JOIN destinations d ON d.integration_id = e.integration_id AND d.is_default AND d.deleted_at IS NULL
ON CONFLICT (normalized_event_id, destination_id) DO NOTHING;
UPDATE normalized_events SET fanned_out_at = created_at WHERE fanned_out_at IS NULL;

UPDATE delivery_attempts a SET destination_id = d.id, delivery_attempt_no = a.attempt_no
FROM destinations d WHERE a.destination_id IS NULL AND d.integration_id = a.integration_id AND d.is_default;
UPDATE delivery_attempts a SET delivery_id = v.id
FROM deliveries v WHERE a.delivery_id IS NULL AND v.normalized_event_id = a.normalized_event_id AND v.destination_id = a.destination_id;
