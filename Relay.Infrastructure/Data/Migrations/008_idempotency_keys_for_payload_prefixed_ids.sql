-- An event id that starts with "payload:" used to give the key "{provider}:payload:...", the namespace of the
-- content-hash keys of events without an id, so the two could collide. Such ids now get
-- "{provider}:payload:{id}" (see IdempotencyKey.For); rewrite the stored keys of those events so a provider's
-- retry after the deploy still finds its first delivery. Every other key keeps its form.
--
-- Two steps, because a unique index is checked row by row: an id "payload:x" takes the new key
-- "{provider}:payload:payload:x", which may still be the old key of an id "payload:payload:x" not yet rewritten.
-- The first step parks the affected keys under a value no key can have (keys start with a provider name, [a-z0-9]).
UPDATE webhook_events SET idempotency_key = '#migrating:' || id::text
WHERE external_event_id LIKE 'payload:%' AND idempotency_key = provider || ':' || external_event_id;

UPDATE webhook_events SET idempotency_key = provider || ':payload:' || external_event_id
WHERE idempotency_key = '#migrating:' || id::text;
