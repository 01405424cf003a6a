-- The links of the tables an import writes in bulk (a record's tenant, an
-- email's or a membership's contact, a membership's company, a journal
-- row's import) are checked when the transaction commits, no longer as
-- each statement ends. An immediate foreign key makes every multi-row
-- INSERT keep a statement journal, a copy of each page it changes, so
-- that a failure halfway through the statement can be undone; 1M new
-- contacts spent about 3.5 s of their 48 s there. A broken link still
-- fails its transaction, at COMMIT, and ON DELETE CASCADE still acts at
-- once.
--
-- SQLite cannot alter a constraint, but a table's definition is only
-- text in sqlite_schema, and DEFERRABLE changes nothing stored: the
-- definitions are rewritten in place, as SQLite's documentation of
-- ALTER TABLE allows for such changes.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'ON DELETE CASCADE', 'ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED')
WHERE type = 'table'
  AND name IN ('companies', 'contacts', 'contact_emails', 'memberships', 'import_changes', 'import_errors', 'dry_records', 'dry_keys')
  AND sql NOT LIKE '%DEFERRABLE%';
PRAGMA writable_schema = RESET; -- off, and this connection reads the definitions again
-- A schema change moves the schema's version: every connection open on
-- the file reads the definitions again before its next statement.
CREATE TABLE roster_schema_changed (x);
DROP TABLE roster_schema_changed;
