package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"roster"
)

// CreateTenant creates a tenant with a unique name.
func (s *Store) CreateTenant(ctx context.Context, name string) (*roster.Tenant, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return nil, roster.Errorf(roster.EINVALID, "a tenant name has 1 to 64 characters")
	}
	t := &roster.Tenant{Name: name, CreatedAt: s.now()}
	err := s.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, s.Q(`INSERT INTO tenants (name, created_at) VALUES (?, ?) RETURNING id`),
			t.Name, t.CreatedAt).Scan(&t.ID)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// FindTenant returns the tenant with the given name.
func (s *Store) FindTenant(ctx context.Context, name string) (*roster.Tenant, error) {
	t := &roster.Tenant{}
	err := s.DB.QueryRowContext(ctx, s.Q(`SELECT id, name, created_at FROM tenants WHERE name = ?`), name).
		Scan(&t.ID, &t.Name, &t.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "tenant %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
}

// ListTenants returns every tenant by name.
func (s *Store) ListTenants(ctx context.Context) ([]*roster.Tenant, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, created_at FROM tenants ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*roster.Tenant
	for rows.Next() {
		t := &roster.Tenant{}
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateToken stores a token for its tenant with the hash of secret.
func (s *Store) CreateToken(ctx context.Context, t *roster.Token, secret string) error {
	t.CreatedAt = s.now()
	return s.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, s.Q(`INSERT INTO tokens (tenant_id, name, hash, read_only, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`),
			t.TenantID, t.Name, roster.HashToken(secret), t.ReadOnly, t.CreatedAt).Scan(&t.ID)
	})
}

// Authenticate finds the token whose hash matches secret.
func (s *Store) Authenticate(ctx context.Context, secret string) (*roster.Token, *roster.Tenant, error) {
	t, tn := &roster.Token{}, &roster.Tenant{}
	err := s.DB.QueryRowContext(ctx, s.Q(`SELECT k.id, k.tenant_id, k.name, k.read_only, k.created_at, n.name, n.created_at
		FROM tokens k JOIN tenants n ON n.id = k.tenant_id WHERE k.hash = ?`), roster.HashToken(secret)).
		Scan(&t.ID, &t.TenantID, &t.Name, &t.ReadOnly, &t.CreatedAt, &tn.Name, &tn.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, nil, roster.Errorf(roster.EUNAUTHORIZED, "invalid API token")
	}
	if err != nil {
		return nil, nil, err
	}
	tn.ID = t.TenantID
	return t, tn, nil
}
