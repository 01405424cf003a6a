-- What a dry run would have written, kept per import instead of in the
-- directory and committed with each batch: later batches read the
-- directory through it, so a dry run's counts equal a real run's while it
-- holds no lock longer than one batch and its memory stays bounded. An
-- import's rows here are deleted when it ends.
CREATE TABLE dry_records (
	import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL,
	record_id INTEGER NOT NULL,
	state     TEXT, -- the record as JSON; NULL once the dry run removed it
	PRIMARY KEY (import_id, kind, record_id)
);
-- The keys (emails, phones, external ids, usernames, company names) a dry
-- run gave its records; a look-up checks each against the record's state.
CREATE TABLE dry_keys (
	import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL,
	key       TEXT NOT NULL,
	record_id INTEGER NOT NULL
);
CREATE INDEX dry_keys_key ON dry_keys (import_id, kind, key);
