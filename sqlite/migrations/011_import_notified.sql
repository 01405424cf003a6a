-- The end of each import job is told (webhook, email) at least once: a
-- worker claims the told-of-nothing jobs that ended (notify_claimed_until,
-- a lease, so that a worker that dies mid-delivery leaves them to the
-- next) and marks them told (notified_at). Jobs that ended before this
-- migration were told then; imports run by the CLI are not told.
ALTER TABLE imports ADD COLUMN notified_at TIMESTAMP;
ALTER TABLE imports ADD COLUMN notify_claimed_until TIMESTAMP;
UPDATE imports SET notified_at = finished_at WHERE status NOT IN ('queued', 'running');
CREATE INDEX imports_to_notify ON imports (id) WHERE notified_at IS NULL;
