-- Notifications: each tenant's webhook, called when one of its imports
-- ends. The secret is kept as is because Roster signs with it.
CREATE TABLE webhooks (
	tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	CONSTRAINT webhooks__tenant_id PRIMARY KEY (tenant_id)
);
