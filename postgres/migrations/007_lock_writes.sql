-- Writes to a tenant's directory made outside imports (through the API)
-- while an import holds the tenant's lock. The import plans its next
-- batch on a snapshot taken while the current one writes; a changed count
-- tells it to look again inside the batch's own transaction.
ALTER TABLE import_locks ADD COLUMN writes BIGINT NOT NULL DEFAULT 0;
