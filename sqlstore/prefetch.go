package sqlstore

import (
	"context"
	"database/sql"

	"roster"
)

// inDirectoryTx is InTx for a write to a tenant's directory outside an
// import. It counts the write on the lock of the tenant's running import,
// if any, first: on PostgreSQL that also queues it behind the import's
// current batch, which holds that row.
func (s *Store) inDirectoryTx(ctx context.Context, tenantID int64, fn func(tx *Tx) error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, s.Q(`UPDATE import_locks SET writes = writes + 1 WHERE tenant_id = ?`), tenantID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// ReadImportBatch runs fn's look-ups in a read-only transaction beside the
// import's batches, on the directory as last committed, and returns the
// lock's count of outside writes in the same snapshot.
func (s *Store) ReadImportBatch(ctx context.Context, tenantID, importID int64, fn func(tx roster.ImportTx) error) (int64, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect.Name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead // one snapshot for every look-up
	}
	db := s.DB
	if s.ReadDB != nil {
		db = s.ReadDB
	}
	stx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer stx.Rollback()
	tx := &Tx{Tx: stx}
	if s.Dialect.Prepare {
		tx.stmts = map[string]*sql.Stmt{}
	}
	var writes int64
	err = tx.QueryRowContext(ctx, s.Q(`SELECT writes FROM import_locks WHERE tenant_id = ? AND import_id = ?`), tenantID, importID).Scan(&writes)
	if err == sql.ErrNoRows {
		return 0, roster.Errorf(roster.ELOCKLOST, "import #%d no longer holds the import lock", importID)
	}
	if err != nil {
		return 0, err
	}
	it := &importTx{s: s, ctx: ctx, tx: tx, tenantID: tenantID, importID: importID, now: s.now(), writes: writes}
	if err := fn(it); err != nil {
		return 0, s.interpret(err)
	}
	return writes, nil
}

// Writes is the lock's count of outside writes as the batch began.
func (t *importTx) Writes() int64 { return t.writes }
