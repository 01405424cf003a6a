package importer

import (
	"context"
	"time"

	"roster"
)

// groups runs an import's batches in transactions of several batches
// where the store holds them so (BatchGrouper), else one each. SQLite's
// commit writes every page its transaction dirtied to the WAL; new rows
// dirty index pages all over the file, the same pages batch after batch,
// and a group writes each of them once for all its batches.
//
// A group ends when it holds its rows or has been open groupTime: it
// holds SQLite's write lock, and other writers wait for it. A crash or a
// failed batch rolls the whole group back, and the import resumes after
// the last group committed.
type groups struct {
	ctx     context.Context
	store   roster.Store
	grouper BatchGrouper
	imp     *roster.Import
	holder  string
	lease   time.Duration
	maxRows int

	g     roster.ImportGroup // the open group, if any
	rows  int                // rows in it
	began time.Time
}

// groupTime is how long a group stays open at most.
const groupTime = time.Second

func (im *Importer) newGroups(ctx context.Context, imp *roster.Import, o *Options) *groups {
	g := &groups{ctx: ctx, store: im.Store, imp: imp, holder: o.Holder, lease: im.lease()}
	g.grouper, g.maxRows = o.grouper(im.Store)
	return g
}

// batch runs fn as the next batch: in its own transaction, or in the
// open group (which it begins if none is). After an error the caller
// rolls the group back.
func (g *groups) batch(rows int, fn func(tx roster.ImportTx) error) error {
	if g.grouper == nil {
		return g.store.ImportBatch(g.ctx, g.imp.TenantID, g.imp.ID, g.holder, g.lease, fn)
	}
	if g.g == nil {
		group, err := g.grouper.BeginImportGroup(g.ctx, g.imp.TenantID, g.imp.ID, g.holder, g.lease)
		if err != nil {
			return err
		}
		g.g, g.rows, g.began = group, 0, time.Now()
	}
	if err := g.g.Batch(fn); err != nil {
		return err
	}
	g.rows += rows
	return nil
}

// open reports whether a group holds batches not yet committed.
func (g *groups) open() bool { return g.g != nil }

// full reports whether the batches written should be committed now:
// always where each batch is its own transaction (and committed already).
func (g *groups) full() bool {
	return g.g == nil || g.rows >= g.maxRows || time.Since(g.began) >= groupTime
}

// commit commits the open group, if any.
func (g *groups) commit() error {
	if g.g == nil {
		return nil
	}
	err := g.g.Commit()
	g.g = nil
	return err
}

// rollback rolls the open group back, if any.
func (g *groups) rollback() {
	if g.g != nil {
		g.g.Rollback()
		g.g = nil
	}
}

// stopping reports whether stop is closed, without waiting.
func stopping(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
