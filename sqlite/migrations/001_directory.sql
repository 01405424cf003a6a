-- The directory: tenants, API tokens, custom fields, companies, contacts.
-- AUTOINCREMENT: an id is never reused, so a journal entry or an API
-- client can never mistake a new record for a deleted one.
CREATE TABLE tenants (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL UNIQUE,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	read_only  BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE fields (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	key        TEXT NOT NULL,
	label      TEXT NOT NULL,
	type       TEXT NOT NULL,
	choices    TEXT NOT NULL DEFAULT '[]',
	max_length INTEGER NOT NULL,
	required   BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (tenant_id, kind, key)
);

CREATE TABLE companies (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL,
	external_id TEXT,
	domains     TEXT NOT NULL DEFAULT '[]',
	website     TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	industry    TEXT NOT NULL DEFAULT '',
	address     TEXT NOT NULL DEFAULT '',
	tags        TEXT NOT NULL DEFAULT '[]',
	tag_keys    TEXT NOT NULL DEFAULT '[]', -- tags lower-cased, for the tag filter
	custom      TEXT NOT NULL DEFAULT '{}',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (tenant_id, name_key),
	UNIQUE (tenant_id, external_id)
);

CREATE TABLE contacts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	first_name   TEXT NOT NULL DEFAULT '',
	last_name    TEXT NOT NULL DEFAULT '',
	email        TEXT NOT NULL DEFAULT '',
	other_emails TEXT NOT NULL DEFAULT '[]',
	phone        TEXT NOT NULL DEFAULT '',
	mobile       TEXT NOT NULL DEFAULT '',
	job_title    TEXT NOT NULL DEFAULT '',
	external_id  TEXT,
	username     TEXT,
	role         TEXT NOT NULL DEFAULT 'customer',
	language     TEXT NOT NULL DEFAULT '',
	time_zone    TEXT NOT NULL DEFAULT '',
	address      TEXT NOT NULL DEFAULT '',
	description  TEXT NOT NULL DEFAULT '',
	tags         TEXT NOT NULL DEFAULT '[]',
	tag_keys     TEXT NOT NULL DEFAULT '[]', -- tags lower-cased, for the tag filter
	custom       TEXT NOT NULL DEFAULT '{}',
	search       TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	UNIQUE (tenant_id, external_id),
	UNIQUE (tenant_id, username)
);
-- Keyset pagination: a tenant's records in id order.
CREATE INDEX contacts_tenant_id ON contacts (tenant_id, id);
CREATE INDEX companies_tenant_id ON companies (tenant_id, id);
CREATE INDEX contacts_phone ON contacts (tenant_id, phone) WHERE phone <> '';
CREATE INDEX contacts_mobile ON contacts (tenant_id, mobile) WHERE mobile <> '';

-- Every email of a contact, primary or other, lower-cased: the unique key
-- that keeps one address on one contact of a tenant.
CREATE TABLE contact_emails (
	tenant_id  INTEGER NOT NULL,
	email      TEXT NOT NULL,
	contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	PRIMARY KEY (tenant_id, email)
) WITHOUT ROWID;
CREATE INDEX contact_emails_contact ON contact_emails (contact_id);

CREATE TABLE memberships (
	tenant_id        INTEGER NOT NULL,
	contact_id       INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	company_id       INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
	position         INTEGER NOT NULL,
	view_all_tickets BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (contact_id, company_id)
) WITHOUT ROWID;
CREATE INDEX memberships_company ON memberships (company_id);
