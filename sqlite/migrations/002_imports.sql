-- The import journal: every import with its options and counts, the
-- changes it made (enough to undo them), its failed rows, the per-tenant
-- lock that lets one import run at a time, and saved import profiles.
CREATE TABLE imports (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	label       TEXT NOT NULL,
	kind        TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	file_sha256 TEXT NOT NULL,
	options     TEXT NOT NULL,
	status      TEXT NOT NULL,
	dry_run     BOOLEAN NOT NULL DEFAULT FALSE,
	counts      TEXT NOT NULL DEFAULT '{}',
	message     TEXT NOT NULL DEFAULT '',
	started_at  TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	undone_at   TIMESTAMP,
	undo_report TEXT
);
CREATE INDEX imports_tenant ON imports (tenant_id, id);

CREATE TABLE import_changes (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	row       INTEGER NOT NULL,
	kind      TEXT NOT NULL,
	record_id INTEGER NOT NULL,
	action    TEXT NOT NULL,
	before    TEXT,
	after_at  TIMESTAMP NOT NULL
);
CREATE INDEX import_changes_import ON import_changes (import_id, id);

CREATE TABLE import_errors (
	import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	row       INTEGER NOT NULL,
	cells     TEXT NOT NULL,
	errors    TEXT NOT NULL,
	PRIMARY KEY (import_id, row)
);

CREATE TABLE import_locks (
	tenant_id    INTEGER NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
	import_id    INTEGER NOT NULL,
	holder       TEXT NOT NULL,
	started_at   TIMESTAMP NOT NULL,
	heartbeat_at TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	rows_done    INTEGER NOT NULL DEFAULT 0,
	rows_total   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE import_profiles (
	tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	options    TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, name)
);
