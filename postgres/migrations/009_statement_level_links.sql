-- A contact's links (its tenant, its emails, its memberships) are checked
-- once per statement instead of once per row. A foreign key runs its check
-- for every row written: an import of a million new contacts spent about
-- 27 s of server time there, a third of the import. The triggers below
-- keep what those foreign keys kept, set-based:
-- - a row written must name an existing parent, which no one can delete
--   until the writing transaction ends (see the locks below);
-- - deleting a parent deletes its links (Roster deletes them itself
--   first; this is the safety net ON DELETE CASCADE was).
-- Ids are never updated, so an update of a parent's id is not guarded.
ALTER TABLE contacts DROP CONSTRAINT contacts_tenant_id_fkey;
ALTER TABLE contact_emails DROP CONSTRAINT contact_emails_contact_id_fkey;
ALTER TABLE memberships DROP CONSTRAINT memberships_contact_id_fkey;
ALTER TABLE memberships DROP CONSTRAINT memberships_company_id_fkey;

CREATE FUNCTION roster_link_violation(tab text, parent text, id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'insert or update on table "%" names % %, which does not exist', tab, parent, id
		USING ERRCODE = 'foreign_key_violation';
END $$;

-- roster_tenants_exist locks the tenants ids names (FOR KEY SHARE, as a
-- foreign key would) and fails unless they all exist.
CREATE FUNCTION roster_tenants_exist(tab text, ids bigint[]) RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
	locked bigint;
	missing bigint;
BEGIN
	SELECT count(*) INTO locked FROM (SELECT id FROM tenants WHERE id = ANY(ids) FOR KEY SHARE) t;
	IF locked < cardinality(ids) THEN
		SELECT i INTO missing FROM unnest(ids) i WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = i) LIMIT 1;
		PERFORM roster_link_violation(tab, 'tenant', missing);
	END IF;
END $$;

CREATE FUNCTION roster_contacts_have_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM roster_tenants_exist(TG_TABLE_NAME, ARRAY(SELECT DISTINCT tenant_id FROM written));
	RETURN NULL;
END $$;

-- Links are written only by the transaction that writes their contact,
-- which holds the contact's row lock until it ends: no lock is taken here.
-- An import writes the links of contacts with consecutive ids, whose
-- existence one range count proves; any other set is probed row by row
-- (a bulk import leaves the planner's statistics behind: the SET clauses
-- keep it from scanning the whole table instead).
CREATE FUNCTION roster_links_have_contacts() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
	lo bigint;
	hi bigint;
	n bigint;
	missing bigint;
BEGIN
	SELECT min(contact_id), max(contact_id), count(DISTINCT contact_id) INTO lo, hi, n FROM written;
	IF n = hi - lo + 1 AND (SELECT count(*) FROM contacts WHERE id BETWEEN lo AND hi) = n THEN
		RETURN NULL;
	END IF;
	SELECT w.contact_id INTO missing FROM written w WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = w.contact_id) LIMIT 1;
	IF FOUND THEN
		PERFORM roster_link_violation(TG_TABLE_NAME, 'contact', missing);
	END IF;
	RETURN NULL;
END $$;

-- The companies named are not locked one by one: a memberships write
-- locks their tenant instead, and deleting a company locks its tenant
-- FOR UPDATE before it deletes the company's memberships (see
-- roster_companies_deleted). So a company deleted while memberships to it
-- are written loses them once their transaction ends, or the write finds
-- it gone, as with a foreign key, at one lock per statement.
CREATE FUNCTION roster_memberships_have_companies() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
	ids bigint[] := ARRAY(SELECT DISTINCT company_id FROM written);
	missing bigint;
BEGIN
	PERFORM roster_tenants_exist(TG_TABLE_NAME, ARRAY(SELECT DISTINCT tenant_id FROM written));
	IF (SELECT count(*) FROM companies WHERE id = ANY(ids)) < cardinality(ids) THEN
		SELECT i INTO missing FROM unnest(ids) i WHERE NOT EXISTS (SELECT 1 FROM companies c WHERE c.id = i) LIMIT 1;
		PERFORM roster_link_violation(TG_TABLE_NAME, 'company', missing);
	END IF;
	RETURN NULL;
END $$;

-- A trigger with a transition table takes one event: inserts and updates
-- each have theirs.
CREATE TRIGGER contacts_tenant_inserted AFTER INSERT ON contacts REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_contacts_have_tenants();
CREATE TRIGGER contacts_tenant_updated AFTER UPDATE ON contacts REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_contacts_have_tenants();
CREATE TRIGGER contact_emails_contact_inserted AFTER INSERT ON contact_emails REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_links_have_contacts();
CREATE TRIGGER contact_emails_contact_updated AFTER UPDATE ON contact_emails REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_links_have_contacts();
CREATE TRIGGER memberships_contact_inserted AFTER INSERT ON memberships REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_links_have_contacts();
CREATE TRIGGER memberships_contact_updated AFTER UPDATE ON memberships REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_links_have_contacts();
CREATE TRIGGER memberships_company_inserted AFTER INSERT ON memberships REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_memberships_have_companies();
CREATE TRIGGER memberships_company_updated AFTER UPDATE ON memberships REFERENCING NEW TABLE AS written
	FOR EACH STATEMENT EXECUTE FUNCTION roster_memberships_have_companies();

CREATE FUNCTION roster_contacts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM contact_emails WHERE contact_id IN (SELECT id FROM deleted);
	DELETE FROM memberships WHERE contact_id IN (SELECT id FROM deleted);
	RETURN NULL;
END $$;

CREATE FUNCTION roster_companies_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Waits for the transactions writing memberships in these tenants,
	-- and keeps new ones waiting until this one ends: then they find the
	-- companies gone.
	PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM deleted) FOR UPDATE;
	DELETE FROM memberships WHERE company_id IN (SELECT id FROM deleted);
	RETURN NULL;
END $$;

CREATE FUNCTION roster_tenants_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM contacts WHERE tenant_id IN (SELECT id FROM deleted);
	RETURN NULL;
END $$;

CREATE TRIGGER contacts_deleted AFTER DELETE ON contacts REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION roster_contacts_deleted();
CREATE TRIGGER companies_deleted AFTER DELETE ON companies REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION roster_companies_deleted();
-- A tenant's companies go through their own foreign key, and their
-- memberships through the trigger above.
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION roster_tenants_deleted();
