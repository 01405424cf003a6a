-- Notifications: each tenant's webhook, called when one of its imports
-- ends. The secret is kept as is because Roster signs with it.
CREATE TABLE webhooks (
	tenant_id  INTEGER NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
