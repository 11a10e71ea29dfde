-- Integrations managed through the API: soft deletion and inbound secret rotation with a grace window.
-- Expand only: every row and column stays. Events, webhooks and attempts keep pointing at a deleted integration.

ALTER TABLE integrations ADD COLUMN IF NOT EXISTS deleted_at timestamptz;
-- The secret replaced by the last rotation (AES-GCM ciphertext, like webhook_secret); it still verifies webhooks
-- until previous_secret_expires_at. NULL when there was no grace window.
ALTER TABLE integrations ADD COLUMN IF NOT EXISTS previous_webhook_secret text;
ALTER TABLE integrations ADD COLUMN IF NOT EXISTS previous_secret_expires_at timestamptz;
ALTER TABLE integrations ADD COLUMN IF NOT EXISTS secret_rotated_at timestamptz;

-- One live integration per provider; a deleted one no longer holds its provider, so it can be created again.
CREATE UNIQUE INDEX IF NOT EXISTS ux_integrations_provider_live ON integrations (provider) WHERE deleted_at IS NULL;
ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_key;
