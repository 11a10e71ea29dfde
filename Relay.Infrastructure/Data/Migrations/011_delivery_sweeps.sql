-- The delivery scheduler looks for events whose fan-out never happened (their message was lost). Only such events
-- are in this index, so the sweep stays cheap however many events wait for a paused destination.
CREATE INDEX IF NOT EXISTS ix_normalized_events_not_fanned_out ON normalized_events (next_attempt_at) WHERE fanned_out_at IS NULL;
