package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"roster"
	"roster/normalize"
)

const companyColumns = `id, name, external_id, domains, website, phone, description, industry, address, tags, custom, created_at, updated_at`

func scanCompany(sc interface{ Scan(...any) error }) (*roster.Company, error) {
	c := &roster.Company{}
	var domains, tags, custom string
	var ext sql.NullString
	err := sc.Scan(&c.ID, &c.Name, &ext, &domains, &c.Website, &c.Phone, &c.Description, &c.Industry, &c.Address,
		&tags, &custom, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.ExternalID = ext.String
	c.Domains, c.Tags, c.Custom = decodeList(domains), decodeList(tags), decodeCustom(custom)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// CreateCompany validates and stores a new company.
func (s *Store) CreateCompany(ctx context.Context, tenantID int64, c *roster.Company) error {
	c.Normalize()
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		if err := s.checkCompany(ctx, tx, tenantID, c); err != nil {
			return err
		}
		c.CreatedAt = s.now()
		c.UpdatedAt = c.CreatedAt
		return s.InsertCompany(ctx, tx, tenantID, c)
	})
}

func (s *Store) checkCompany(ctx context.Context, tx *Tx, tenantID int64, c *roster.Company) error {
	defs, err := s.listFields(ctx, tx, tenantID, roster.KindCompanies)
	if err != nil {
		return err
	}
	return c.Validate(defs)
}

// companyInsertColumns and companyValues are one company row as written,
// shared by the single insert and the import's bulk insert.
const companyInsertColumns = `tenant_id, name, name_key, external_id, domains, website, phone, description, industry,
	address, tags, tag_keys, custom, search, created_at, updated_at`

func companyValues(tenantID int64, c *roster.Company) []any {
	return []any{tenantID, c.Name, roster.NameKey(c.Name), nullable(c.ExternalID), encodeList(c.Domains), c.Website, c.Phone,
		c.Description, c.Industry, c.Address, encodeList(c.Tags), tagKeys(c.Tags), encodeCustom(c.Custom), companySearch(c),
		c.CreatedAt, c.UpdatedAt}
}

// companySearch is the text the Query filter looks in: the name, folded
// as the query is. name_key, the key companies are matched by, is only
// lower-cased: Müller GmbH and Muller GmbH are two companies.
func companySearch(c *roster.Company) string {
	return normalize.SearchFold(strings.TrimSpace(c.Name))
}

// InsertCompany writes a validated company.
func (s *Store) InsertCompany(ctx context.Context, tx *Tx, tenantID int64, c *roster.Company) error {
	return tx.QueryRowContext(ctx, s.Q(`INSERT INTO companies (`+companyInsertColumns+`) VALUES (`+placeholders(16)+`) RETURNING id`),
		companyValues(tenantID, c)...).Scan(&c.ID)
}

// FindCompany returns one company of the tenant.
func (s *Store) FindCompany(ctx context.Context, tenantID, id int64) (*roster.Company, error) {
	return s.findCompany(ctx, s.DB, tenantID, id)
}

func (s *Store) findCompany(ctx context.Context, q queryer, tenantID, id int64) (*roster.Company, error) {
	c, err := scanCompany(q.QueryRowContext(ctx, s.Q(`SELECT `+companyColumns+` FROM companies WHERE tenant_id = ? AND id = ?`), tenantID, id))
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "company %d not found", id)
	}
	return c, err
}

// UpdateCompany replaces a company's values with c's.
func (s *Store) UpdateCompany(ctx context.Context, tenantID int64, c *roster.Company) error {
	c.Normalize()
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		old, err := s.findCompany(ctx, tx, tenantID, c.ID)
		if err != nil {
			return err
		}
		if err := s.checkCompany(ctx, tx, tenantID, c); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = old.CreatedAt, s.now()
		return s.RewriteCompany(ctx, tx, tenantID, c)
	})
}

// RewriteCompany writes a validated company over the stored one with the same id.
func (s *Store) RewriteCompany(ctx context.Context, tx *Tx, tenantID int64, c *roster.Company) error {
	_, err := tx.ExecContext(ctx, s.Q(`UPDATE companies SET name=?, name_key=?, external_id=?, domains=?, website=?, phone=?,
		description=?, industry=?, address=?, tags=?, tag_keys=?, custom=?, search=?, updated_at=? WHERE tenant_id = ? AND id = ?`),
		c.Name, roster.NameKey(c.Name), nullable(c.ExternalID), encodeList(c.Domains), c.Website, c.Phone,
		c.Description, c.Industry, c.Address, encodeList(c.Tags), tagKeys(c.Tags), encodeCustom(c.Custom), companySearch(c),
		c.UpdatedAt, tenantID, c.ID)
	return err
}

// DeleteCompany removes a company and its memberships; its contacts stay.
func (s *Store) DeleteCompany(ctx context.Context, tenantID, id int64) error {
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		return s.deleteCompany(ctx, tx, tenantID, id)
	})
}

func (s *Store) deleteCompany(ctx context.Context, tx *Tx, tenantID, id int64) error {
	if _, err := tx.ExecContext(ctx, s.Q(`DELETE FROM memberships WHERE tenant_id = ? AND company_id = ?`), tenantID, id); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, s.Q(`DELETE FROM companies WHERE tenant_id = ? AND id = ?`), tenantID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return roster.Errorf(roster.ENOTFOUND, "company %d not found", id)
	}
	return nil
}

// ListCompanies returns a page of the tenant's companies in id order.
func (s *Store) ListCompanies(ctx context.Context, tenantID int64, f roster.CompanyFilter) ([]*roster.Company, string, error) {
	f.Page = f.Page.Normalize()
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	where := []string{"tenant_id = ?", "id > ?"}
	args := []any{tenantID, after}
	if f.Query != "" {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(normalize.SearchFold(strings.TrimSpace(f.Query)))+"%")
	}
	if f.Name != "" {
		where = append(where, `name_key = ?`)
		args = append(args, roster.NameKey(f.Name))
	}
	if f.Tag != "" {
		where = append(where, `tag_keys LIKE ? ESCAPE '\'`)
		args = append(args, tagPattern(f.Tag))
	}
	if f.ExternalID != "" {
		where = append(where, `external_id = ?`)
		args = append(args, f.ExternalID)
	}
	return listPage(ctx, s, `SELECT `+companyColumns+` FROM companies WHERE `+strings.Join(where, " AND "), args, f.Limit,
		scanCompany, func(c *roster.Company) int64 { return c.ID })
}
