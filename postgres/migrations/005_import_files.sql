-- A job's file is kept in the database too, so a worker on any machine
-- can run (or resume) it; and every import keeps its header, for the
-- failed-rows file once the file itself is gone.
ALTER TABLE imports ADD COLUMN header TEXT NOT NULL DEFAULT '[]';
CREATE TABLE import_files (
	import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	seq       INTEGER NOT NULL,
	data      BYTEA NOT NULL,
	PRIMARY KEY (import_id, seq)
);
