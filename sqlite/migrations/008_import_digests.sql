-- The digest of the import row that last wrote each contact, or left it
-- as it was (roster.Digest); NULL after any other write. A re-import of
-- the same row settles it as unchanged without loading the contact.
ALTER TABLE contacts ADD COLUMN import_digest INTEGER;
