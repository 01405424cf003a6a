package sqlstore

import (
	"context"
	"sync"
)

// copyJob is one table's rows for the dialect's Copy.
type copyJob struct {
	table   string
	columns []string
	rows    [][]any
}

// copyRows copies jobs into their tables, in order, on the transaction's
// connection.
func (s *Store) copyRows(ctx context.Context, tx *Tx, jobs ...copyJob) error {
	if err := tx.wait(); err != nil {
		return err
	}
	return tx.conn.Raw(func(dc any) error { return s.runCopies(ctx, dc, jobs) })
}

// copyAsync starts copying jobs and returns as soon as the copy holds the
// transaction's connection, so that the batch goes on while PostgreSQL
// writes: the next statement on tx waits for the copy, and fails with its
// error (see Tx.wait). The caller hands the rows over.
func (s *Store) copyAsync(ctx context.Context, tx *Tx, jobs []copyJob) error {
	if err := tx.wait(); err != nil || len(jobs) == 0 {
		return err
	}
	done := make(chan error, 1)
	started := make(chan struct{})
	var once sync.Once
	go func() {
		err := tx.conn.Raw(func(dc any) error {
			once.Do(func() { close(started) })
			return s.runCopies(ctx, dc, jobs)
		})
		once.Do(func() { close(started) }) // Raw failed before it began
		done <- err
	}()
	<-started
	tx.copying = done
	return nil
}

func (s *Store) runCopies(ctx context.Context, dc any, jobs []copyJob) error {
	for _, j := range jobs {
		if len(j.rows) == 0 {
			continue
		}
		if err := s.Dialect.Copy(ctx, dc, j.table, j.columns, j.rows); err != nil {
			return err
		}
	}
	return nil
}
