-- Inbound verification and field mapping become per-integration configuration (issue #14): how an integration's
-- webhooks prove who sent them (scheme and its parameters) and where the event's id, type, time and subject come
-- from. Expand only: every row stays. A row without them (written by hand, never by Relay) is an unknown provider
-- to ingest, as a provider without code was before.
ALTER TABLE integrations ADD COLUMN IF NOT EXISTS verification jsonb;
ALTER TABLE integrations ADD COLUMN IF NOT EXISTS field_mapping jsonb;

-- The seed's two providers get the presets that are exactly what their code did (ProviderPresets.AcmeProfile and
-- GlobexProfile; a unit test keeps these literals equal to them). Deleted rows too, so nothing is left half-configured.
UPDATE integrations SET
    verification = '{"scheme":"hmac-sha256-hex","header":"x-acme-signature","prefix":""}'::jsonb,
    field_mapping = '{"eventId":{"from":[{"pointer":"/eventId"}],"required":true},"eventType":{"from":[{"pointer":"/eventType"}],"required":true},"occurredAt":{"from":[{"pointer":"/occurredAt","format":"iso8601"}],"required":true},"subject":{"from":[{"pointer":"/subject"},{"pointer":"/data/id"}],"required":false},"payload":{"pointer":"/data","as":"data"}}'::jsonb
WHERE provider = 'acme' AND verification IS NULL;

UPDATE integrations SET
    verification = '{"scheme":"token","header":"x-globex-token","prefix":""}'::jsonb,
    field_mapping = '{"eventId":{"from":[{"pointer":"/id"}],"required":true},"eventType":{"from":[{"pointer":"/type"}],"required":true},"occurredAt":{"from":[{"pointer":"/timestamp","format":"iso8601"}],"required":true},"subject":{"from":[{"pointer":"/resource/id"}],"required":false},"payload":{"pointer":"/resource","as":"resource"}}'::jsonb
WHERE provider = 'globex' AND verification IS NULL;

-- Ingress keeps the names of the active providers in memory and reads them again when integrations change, so a new
-- integration's webhooks are taken at once while names nobody configured never cost a query. As migration 013's
-- outbox trigger: statement-level, and one transaction's notifications fold into one, sent at commit.
CREATE OR REPLACE FUNCTION relay_integrations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('relay_integrations', '');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS integrations_notify ON integrations;
CREATE TRIGGER integrations_notify AFTER INSERT OR UPDATE OR DELETE ON integrations
    FOR EACH STATEMENT EXECUTE FUNCTION relay_integrations_notify();
