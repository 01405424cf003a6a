package sqlstore

import (
	"context"
	"database/sql"

	"roster"
)

// SetWebhook creates or replaces the tenant's webhook in one statement, so
// two concurrent calls cannot both insert.
func (s *Store) SetWebhook(ctx context.Context, w *roster.Webhook) error {
	if err := w.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, s.Q(`INSERT INTO webhooks (tenant_id, url, secret, created_at, updated_at) VALUES (?,?,?,?,?)
			ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at
			RETURNING created_at`), w.TenantID, w.URL, w.Secret, now, now).Scan(&w.CreatedAt)
		w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), now
		return err
	})
}

// FindWebhook returns the tenant's webhook or ENOTFOUND.
func (s *Store) FindWebhook(ctx context.Context, tenantID int64) (*roster.Webhook, error) {
	w := &roster.Webhook{TenantID: tenantID}
	err := s.DB.QueryRowContext(ctx, s.Q(`SELECT url, secret, created_at, updated_at FROM webhooks WHERE tenant_id = ?`), tenantID).
		Scan(&w.URL, &w.Secret, &w.CreatedAt, &w.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "no webhook is set")
	}
	if err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	return w, nil
}

// DeleteWebhook removes the tenant's webhook or returns ENOTFOUND.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID int64) error {
	res, err := s.exec(ctx, s.Q(`DELETE FROM webhooks WHERE tenant_id = ?`), tenantID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return roster.Errorf(roster.ENOTFOUND, "no webhook is set")
	}
	return nil
}
