package sqlstore

import (
	"context"
	"fmt"
	"time"

	"roster"
)

// ImportGroupRows is how many rows the dialect's import groups hold
// (importer.BatchGrouper); 0: each batch commits on its own.
func (s *Store) ImportGroupRows() int { return s.Dialect.GroupRows }

// BeginImportGroup starts one transaction for several batches of an
// import (roster.ImportGroup).
func (s *Store) BeginImportGroup(ctx context.Context, tenantID, importID int64, holder string, lease time.Duration) (roster.ImportGroup, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, s.interpret(err)
	}
	if s.Dialect.HoldLinks {
		tx.held = &heldLinks{s: s}
	}
	return &importGroup{s: s, ctx: ctx, tx: tx, tenantID: tenantID, importID: importID, holder: holder, lease: lease}, nil
}

type importGroup struct {
	s                  *Store
	ctx                context.Context
	tx                 *Tx
	tenantID, importID int64
	holder             string
	lease              time.Duration
	done               bool
}

func (g *importGroup) Batch(fn func(tx roster.ImportTx) error) error {
	if g.done {
		return fmt.Errorf("import #%d: batch in a group that has ended", g.importID)
	}
	return g.s.interpret(g.s.importBatch(g.ctx, g.tx, g.tenantID, g.importID, g.holder, g.lease, fn))
}

func (g *importGroup) Commit() error {
	if g.done {
		return fmt.Errorf("import #%d: commit of a group that has ended", g.importID)
	}
	g.done = true
	defer g.tx.close()
	if g.tx.held != nil {
		if err := g.tx.writeHeld(g.ctx); err != nil {
			g.tx.Rollback()
			return g.s.interpret(err)
		}
	}
	if err := g.tx.Commit(); err != nil {
		return g.s.interpret(fmt.Errorf("commit: %w", err))
	}
	return nil
}

func (g *importGroup) Rollback() error {
	if g.done {
		return nil
	}
	g.done = true
	defer g.tx.close()
	return g.tx.Rollback()
}
