-- Imports as jobs: an uploaded file waits in the queue (status queued)
-- until a worker claims it; a job whose worker died is claimed again and
-- resumes after its last committed batch (counts.rows is that checkpoint).
ALTER TABLE imports ADD COLUMN file_path TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN rows_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN worker TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE imports ADD COLUMN requested_by TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN queued_at TIMESTAMP;
CREATE INDEX imports_queue ON imports (status, id);
