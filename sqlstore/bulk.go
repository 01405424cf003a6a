package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxParams keeps a multi-row statement below both databases' limits on
// bound parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// maxRowsPerInsert bounds the rows of one multi-row VALUES statement.
const maxRowsPerInsert = 100

// copyMin is the fewest rows worth a COPY: below it, one INSERT is as
// quick and its plan is cached.
const copyMin = 16

// insertRows writes rows into table with as few statements as it can: on
// PostgreSQL a COPY, or for a few rows one INSERT … SELECT FROM
// unnest(arrays), one parameter per column whatever the number of rows;
// elsewhere multi-row VALUES lists up to the parameter limit.
func (s *Store) insertRows(ctx context.Context, tx *Tx, table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if s.Dialect.Copy != nil && tx.conn != nil && len(rows) >= copyMin {
		return s.copyRows(ctx, tx, copyJob{table, splitColumns(columns), rows})
	}
	if s.Dialect.Arrays {
		return s.insertArrays(ctx, tx, table, columns, rows)
	}
	return s.insertValues(ctx, tx.ExecContext, table, columns, rows)
}

// execFunc runs one statement: Tx.ExecContext, or Tx.execNow in a write
// in flight.
type execFunc func(ctx context.Context, query string, args ...any) (sql.Result, error)

// laterMin is the fewest rows worth a write in flight of their own: for
// fewer, handing over to another goroutine and later waiting for it can
// cost more than the insert (an unchanged re-import journals a few rows
// a batch).
const laterMin = 64

// writeLater runs write as a write in flight (Tx.later) where the process
// is SQLite's only writer and the write is big or others are in flight
// (it then follows them); else at once.
func (s *Store) writeLater(tx *Tx, big bool, write func(exec execFunc) error) error {
	if s.Dialect.OneWriter && (big || tx.copying != nil) {
		return tx.later(func() error { return write(tx.execNow) })
	}
	return write(tx.ExecContext)
}

// insertLater inserts rows as insertRows does, as a write in flight where
// writeLater makes one.
func (s *Store) insertLater(ctx context.Context, tx *Tx, table, columns string, rows [][]any) error {
	if !s.Dialect.OneWriter || len(rows) == 0 {
		return s.insertRows(ctx, tx, table, columns, rows)
	}
	return s.writeLater(tx, len(rows) >= laterMin, func(exec execFunc) error {
		return s.insertValues(ctx, exec, table, columns, rows)
	})
}

// insertValues writes rows in multi-row VALUES statements through exec.
func (s *Store) insertValues(ctx context.Context, exec execFunc, table, columns string, rows [][]any) error {
	width := len(rows[0])
	// A statement of a hundred rows is prepared once per transaction and
	// reused for every full chunk; a giant one would be compiled anew each batch.
	per := max(1, min(maxRowsPerInsert, maxParams/width))
	// The columns shared by every row of the call, not of each
	// statement: one shape of statement a call, so that a transaction
	// prepares a few, however sparse the file's columns.
	shared := sharedColumns(rows)
	var head []any // the shared values, first in every statement
	for c, v := range rows[0] {
		if shared&(1<<c) != 0 {
			head = append(head, v)
		}
	}
	n := min(per, len(rows)) // rows of every statement but a shorter last one
	full := s.valuesSQL(table, columns, width, n, shared)
	var args []any
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = append(args[:0], head...)
		for _, r := range chunk {
			for c, v := range r {
				if shared&(1<<c) == 0 {
					args = append(args, v)
				}
			}
		}
		query := full
		if len(chunk) < n {
			query = s.valuesSQL(table, columns, width, len(chunk), shared) // the last, shorter one
		}
		if _, err := exec(ctx, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// sharedColumns returns the columns (bit c for column c) that hold the
// same value in every row, such as an import's tenant, times and empty
// fields. Each is bound once for the whole statement: binding a parameter
// copies its value into SQLite, which for a batch of new contacts cost a
// sixth of the time its inserts took. Only values of plain comparable
// types count, and one column always stays in the rows.
func sharedColumns(rows [][]any) uint64 {
	width := len(rows[0])
	if len(rows) < 2 || width > 64 {
		return 0
	}
	var shared uint64
	for c, v := range rows[0] {
		if !plainValue(v) {
			continue
		}
		same := true
		for _, r := range rows[1:] {
			if r[c] != v {
				same = false
				break
			}
		}
		if same {
			shared |= 1 << c
		}
	}
	if shared == 1<<width-1 {
		shared &^= 1 // rows that are all alike still need a VALUES list
	}
	return shared
}

// plainValue reports whether v is of a type whose == compares the value
// the database stores.
func plainValue(v any) bool {
	switch v.(type) {
	case nil, string, int64, int, bool, time.Time:
		return true
	}
	return false
}

// valuesSQL returns the statement that inserts n rows of width columns:
// with nothing shared, "INSERT INTO t (a, b) VALUES (?,?),(?,?)"; else the
// shared columns' values first, then the others row by row:
//
//	INSERT INTO t (a, b, c) SELECT ?, column1, column2 FROM (VALUES (?,?),(?,?))
//
// Parameters stay anonymous: the SQLite driver asks each parameter's
// name, which SQLite finds by a walk through all the named ones.
func (s *Store) valuesSQL(table, columns string, width, n int, shared uint64) string {
	var b strings.Builder
	b.WriteString(cmp.Or(s.Dialect.Insert, "INSERT INTO"))
	b.WriteString(" " + table + " (" + columns + ") ")
	own := width // columns each row gives
	if shared != 0 {
		own = 0
		b.WriteString("SELECT ")
		for c := range width {
			if c > 0 {
				b.WriteString(", ")
			}
			if shared&(1<<c) != 0 {
				b.WriteByte('?')
				continue
			}
			own++
			b.WriteString("column" + strconv.Itoa(own))
		}
		b.WriteString(" FROM (")
	}
	b.WriteString("VALUES ")
	row := "(" + placeholders(own) + ")"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	if shared != 0 {
		b.WriteByte(')')
	}
	return s.Q(b.String())
}

// splitColumns turns "a, b,\n\tc" into [a b c].
func splitColumns(columns string) []string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = strings.TrimSpace(c)
	}
	return cols
}

// columnTypes are the PostgreSQL types of the columns bulk inserts write;
// any other column is text.
var columnTypes = map[string]string{
	"id": "bigint", "tenant_id": "bigint", "contact_id": "bigint", "company_id": "bigint", "import_id": "bigint",
	"record_id": "bigint", "position": "bigint", "row": "bigint", "view_all_tickets": "boolean",
	"created_at": "timestamptz", "updated_at": "timestamptz", "after_at": "timestamptz",
}

// insertArrays is the PostgreSQL bulk insert: one typed array per column.
func (s *Store) insertArrays(ctx context.Context, tx *Tx, table, columns string, rows [][]any) error {
	cols := strings.Split(columns, ",")
	args := make([]any, len(cols))
	casts := make([]string, len(cols))
	for i, c := range cols {
		c = strings.TrimSpace(c)
		typ := columnTypes[c]
		if typ == "" {
			typ = "text"
		}
		casts[i] = fmt.Sprintf("$%d::%s[]", i+1, typ)
		switch typ {
		case "bigint":
			a := make([]int64, len(rows))
			for j, r := range rows {
				switch v := r[i].(type) {
				case int64:
					a[j] = v
				case int:
					a[j] = int64(v)
				}
			}
			args[i] = a
		case "boolean":
			a := make([]bool, len(rows))
			for j, r := range rows {
				a[j], _ = r[i].(bool)
			}
			args[i] = a
		case "timestamptz":
			a := make([]time.Time, len(rows))
			for j, r := range rows {
				a[j], _ = r[i].(time.Time)
			}
			args[i] = a
		default:
			a := make([]*string, len(rows))
			for j, r := range rows {
				if v, ok := r[i].(string); ok {
					a[j] = &v
				}
			}
			args[i] = a
		}
	}
	q := "INSERT INTO " + table + " (" + columns + ") SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")"
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}
