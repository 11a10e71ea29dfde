-- The W3C traceparent of the request or message that wrote the row, so its message is published in that trace
-- rather than in one of the background publisher's own. Nullable: rows written before this column, or outside
-- any trace, are published in the publishing batch's trace. Only added, so services that do not write it yet
-- keep working.
ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS trace_parent text;
