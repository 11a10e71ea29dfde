-- The live tail (GET /api/v1/events/stream) orders events by the transaction that inserted them, so that it can hand
-- out a position only once every earlier transaction has ended (see Management.Api's EventStreamRepository).
--
-- The column is added without a default first, which only changes the catalog: existing rows are not rewritten and
-- read as NULL (they predate the stream and are never streamed). The default set afterwards applies to new rows only,
-- so every writer of normalized_events (ingest's group commit and any later one) stamps its rows without naming the
-- column. pg_current_xact_id() is the writing transaction's id, which the insert has already been given: the call
-- costs nothing more per row. It is an xid8 (64 bits, never wraps); stored as bigint because BRIN has no xid8 class.
ALTER TABLE normalized_events ADD COLUMN IF NOT EXISTS insert_xact_id bigint;
ALTER TABLE normalized_events ALTER COLUMN insert_xact_id SET DEFAULT (pg_current_xact_id()::text::bigint);

-- Transaction ids grow with insertion order, so a BRIN index (one summary per range of pages, a few kilobytes for
-- millions of rows, next to nothing to maintain on insert) finds the newest rows, which are all a stream reads.
-- Small ranges keep the rows read per wake-up few; autosummarize summarises a range as soon as it is full.
CREATE INDEX IF NOT EXISTS ix_normalized_events_insert_xact_id ON normalized_events
    USING brin (insert_xact_id) WITH (pages_per_range = 16, autosummarize = on);
