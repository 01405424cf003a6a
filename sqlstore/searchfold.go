package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"roster"
)

// foldSearch (migration 013) writes the search text of every stored
// contact and company in the form SearchFold gives, so that databases
// from before it are searched as new records are. It reads the records
// in id order, a batch at a time, and writes only the texts that change
// (for a directory of ASCII names, no contact's), a batch of rows per
// statement, so memory stays flat however large the directory. The
// records keep updated_at and their import digest: what they hold is
// unchanged.
func foldSearch(ctx context.Context, s *Store, tx *Tx) error {
	err := refoldSearch(ctx, s, tx, "contacts", "name, email, other_emails", func(rows *sql.Rows) (int64, string, string, error) {
		var id int64
		var old, others string
		c := &roster.Contact{}
		err := rows.Scan(&id, &old, &c.Name, &c.Email, &others)
		c.OtherEmails = decodeList(others)
		return id, old, contactSearch(c), err
	})
	if err != nil {
		return err
	}
	return refoldSearch(ctx, s, tx, "companies", "name", func(rows *sql.Rows) (int64, string, string, error) {
		var id int64
		var old string
		c := &roster.Company{}
		err := rows.Scan(&id, &old, &c.Name)
		return id, old, companySearch(c), err
	})
}

const (
	refoldReadBatch  = 5000
	refoldWriteBatch = 500
)

// refoldSearch rewrites the search column of table where it differs from
// what scan computes from the columns read (after id and search).
func refoldSearch(ctx context.Context, s *Store, tx *Tx, table, columns string,
	scan func(*sql.Rows) (id int64, old, search string, err error)) error {
	read := s.Q(`SELECT id, search, ` + columns + ` FROM ` + table + ` WHERE id > ? ORDER BY id LIMIT ?`)
	var changed []any // id, search, id, search, …
	after := int64(0)
	for {
		rows, err := tx.QueryContext(ctx, read, after, refoldReadBatch)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			id, old, search, err := scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if search != old {
				changed = append(changed, id, search)
			}
			after, n = id, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for len(changed) >= 2*refoldWriteBatch {
			if err := writeSearch(ctx, s, tx, table, changed[:2*refoldWriteBatch], true); err != nil {
				return err
			}
			changed = changed[2*refoldWriteBatch:]
		}
		if n < refoldReadBatch {
			break
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return writeSearch(ctx, s, tx, table, changed, false)
}

// writeSearch sets the search text of the rows of table given as pairs
// of id and text, in one statement. Only full batches are prepared (and
// kept with the transaction): the last, shorter one runs once.
func writeSearch(ctx context.Context, s *Store, tx *Tx, table string, pairs []any, prepared bool) error {
	values := strings.Repeat(`(CAST(? AS BIGINT), CAST(? AS TEXT)), `, len(pairs)/2)
	// Both databases name the columns of a VALUES list column1, column2.
	q := s.Q(`UPDATE ` + table + ` SET search = v.column2 FROM (VALUES ` + strings.TrimSuffix(values, ", ") + `) AS v
		WHERE ` + table + `.id = v.column1`)
	var err error
	if prepared {
		_, err = tx.ExecContext(ctx, q, pairs...)
	} else {
		_, err = tx.Tx.ExecContext(ctx, q, pairs...)
	}
	return err
}
