-- Wakes the outbox publishers of every replica when a transaction has written outbox rows, so none has to poll.
-- A statement-level trigger, and PostgreSQL folds identical notifications of one transaction into one, so a
-- transaction that writes many rows sends one notification, at commit (none if it rolls back).
CREATE OR REPLACE FUNCTION relay_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('relay_outbox', '');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
    FOR EACH STATEMENT EXECUTE FUNCTION relay_outbox_notify();
