-- Scoped API keys for the management and publish APIs, written by Management.Api (create, revoke) and touched by
-- every service that authenticates with them (last_used_at, at most about once a minute per key and process).
-- Only a SHA-256 hash of each key's secret part is stored; the key itself is shown once, when it is created.
-- Expand only: the configured management key keeps working as the bootstrap admin, and no existing row changes.
CREATE TABLE IF NOT EXISTS api_keys (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    -- "rly_" and the id's 32 hex digits: what lists show and what a leaked key is recognised by.
    prefix        text NOT NULL UNIQUE,
    secret_hash   bytea NOT NULL,
    scopes        text[] NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX IF NOT EXISTS ix_api_keys_created ON api_keys (created_at, id);

-- The key a management request (or a publish) was authenticated with: an api_keys id, or "bootstrap" for the
-- configured management key. NULL for entries written by the services themselves (delivery, replay) and by older
-- versions.
ALTER TABLE audit_entries ADD COLUMN IF NOT EXISTS api_key_id text;
CREATE INDEX IF NOT EXISTS ix_audit_entries_api_key ON audit_entries (api_key_id, created_at DESC, id DESC) WHERE api_key_id IS NOT NULL;
